"""The registry: filed certification bodies (备案机构) and their approved scope."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class NoticeObjection(models.Model):
    """An objection raised during the public notice (公示异议); the approver must resolve it."""

    application = models.ForeignKey("cases.FilingApplication", on_delete=models.CASCADE, related_name="objections")
    raised_by = models.CharField(_("raised by"), max_length=100)
    content = models.TextField(_("content"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("notice objection")
        verbose_name_plural = _("notice objections")

    def __str__(self):
        return f"{self.raised_by}: {self.content[:30]}"


class Filing(ConcurrentTransitionMixin, models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    number = models.CharField(_("filing number"), max_length=32, unique=True)
    organisation = models.ForeignKey(
        "cases.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="filings"
    )
    application = models.OneToOneField("cases.FilingApplication", on_delete=models.PROTECT, related_name="filing")
    status = FSMField(_("status"), default=Status.ACTIVE, choices=Status.choices, protected=True, db_index=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["-registered_at"]
        verbose_name = _("filing")
        verbose_name_plural = _("filings")

    def __str__(self):
        return self.number

    @transition(field=status, source=Status.ACTIVE, target=Status.SUSPENDED)
    def suspend(self):
        """The whole body may not certify until the suspension is lifted."""

    @transition(field=status, source=Status.SUSPENDED, target=Status.ACTIVE)
    def reinstate(self):
        """Lift a suspension."""


class FilingScope(models.Model):
    """One approved occupation with levels and methods; may be suspended on its own."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="scope")
    occupation = models.ForeignKey("cases.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT)
    levels = models.JSONField(_("levels"), default=list)
    methods = models.JSONField(_("evaluation methods"), default=list)
    suspended = models.BooleanField(_("suspended"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("filing scope")
        verbose_name_plural = _("filing scope")

    def __str__(self):
        return f"{self.filing_id}: {self.occupation_id}"
