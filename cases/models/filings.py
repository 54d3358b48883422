"""The registry: filed certification bodies (备案机构), their approved scope and status history."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class NoticeObjection(models.Model):
    """An objection raised during the public notice (公示异议); the approver must resolve it.

    Recorded by the approver (a letter, a call) or submitted by anyone on /notices/ (no recorded_by then).
    """

    class Source(models.TextChoices):
        RECORDED = "recorded", _("Recorded by the bureau")
        ONLINE = "online", _("Submitted online")

    application = models.ForeignKey("cases.FilingApplication", on_delete=models.CASCADE, related_name="objections")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.RECORDED)
    raised_by = models.CharField(_("raised by"), max_length=100)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    content = models.TextField(_("content"))
    evidence = models.FileField(_("evidence"), upload_to="objections/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    evidence_content_type = models.CharField(_("evidence content type"), max_length=50, blank=True)
    evidence_sha256 = models.CharField(_("evidence SHA-256"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("notice objection")
        verbose_name_plural = _("notice objections")

    def __str__(self):
        return f"{self.raised_by}: {self.content[:30]}"


class Filing(ConcurrentTransitionMixin, models.Model):
    """A filed certification body (备案机构) in the registry."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # A body in one of these may still be supervised (and sanctioned); the others are final.
    OPEN_STATUSES = (Status.ACTIVE, Status.SUSPENDED)

    number = models.CharField(_("filing number"), max_length=32, unique=True)
    organisation = models.ForeignKey(
        "cases.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="filings"
    )
    application = models.OneToOneField("cases.FilingApplication", on_delete=models.PROTECT, related_name="filing")
    status = FSMField(_("status"), default=Status.ACTIVE, choices=Status.choices, protected=True, db_index=True)
    status_changed_on = models.DateField(_("status since"), null=True, blank=True)
    banned_until = models.DateField(
        _("re-filing banned until"), null=True, blank=True, help_text=_("Set on revocation: no new filing before.")
    )
    last_assessment_on = models.DateField(
        _("last assessment held on"),
        null=True,
        blank=True,
        help_text=_("The most recent assessment the body is known to have held (inactivity checks)."),
    )
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

    @transition(field=status, source=[Status.ACTIVE, Status.SUSPENDED], target=Status.REVOKED)
    def revoke(self):
        """Revoke the filing (撤销备案); the organisation may not re-file for two years."""

    @transition(field=status, source=[Status.ACTIVE, Status.SUSPENDED], target=Status.EXPIRED)
    def expire(self):
        """The validity period has ended."""

    @transition(field=status, source=[Status.ACTIVE, Status.SUSPENDED], target=Status.WITHDRAWN)
    def withdraw(self):
        """The body gives up its filing (注销) at its own request."""

    def status_on(self, today: date) -> str:
        """The status as the public should read it on `today`: past its validity means expired,
        even before the nightly sweep has recorded it."""
        if self.status in self.OPEN_STATUSES and self.valid_until < today:
            return self.Status.EXPIRED
        return self.status

    def may_certify_on(self, today: date) -> bool:
        return self.status_on(today) == self.Status.ACTIVE and self.valid_from <= today

    def certifiable_scope(self, today: date) -> list["FilingScope"]:
        """The scope rows the body may certify on `today` (uses the prefetched scope)."""
        if not self.may_certify_on(today):
            return []
        return [row for row in self.scope.all() if not row.suspended]


class FilingScope(models.Model):
    """One approved occupation with levels and methods; may be suspended on its own."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="scope")
    occupation = models.ForeignKey("cases.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT)
    levels = models.JSONField(_("levels"), default=list)
    methods = models.JSONField(_("evaluation methods"), default=list)
    suspended = models.BooleanField(_("suspended"), default=False)
    suspended_on = models.DateField(_("suspended since"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        # The directory's occupation filter reads the filings of an occupation from this index alone.
        indexes = [models.Index(fields=["occupation", "filing"], name="scope_occupation_filing_idx")]
        verbose_name = _("filing scope")
        verbose_name_plural = _("filing scope")

    def __str__(self):
        return f"{self.filing_id}: {self.occupation_id}"


class FilingStatusChange(models.Model):
    """One entry of a filing's status history (备案状态变更记录), with its reason."""

    class Event(models.TextChoices):
        SUSPENDED = "suspended", _("Suspended")
        REINSTATED = "reinstated", _("Suspension lifted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SCOPE_SUSPENDED = "scope_suspended", _("Occupation suspended")
        SCOPE_REINSTATED = "scope_reinstated", _("Occupation suspension lifted")

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="status_changes")
    scope = models.ForeignKey(
        FilingScope,
        verbose_name=_("occupation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_changes",
    )
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    reason = models.TextField(_("reason"))
    effective_on = models.DateField(_("effective on"))
    supervision_case = models.ForeignKey(
        "cases.SupervisionCase",
        verbose_name=_("supervision case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_changes",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("filing status change")
        verbose_name_plural = _("filing status history")

    def __str__(self):
        return f"{self.filing_id} {self.event} {self.effective_on}"
