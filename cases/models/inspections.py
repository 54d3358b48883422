"""Site inspection (现场考察) of an applicant by a team of inspectors."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The checklist used until versioned templates exist (inspection/assessment issue).
DEFAULT_CHECKLIST = [
    ("C01", _("Venues and equipment match the declared scope and capacity")),
    ("C02", _("Examiners and internal supervisors are qualified and sufficient")),
    ("C03", _("Management rules cover exam security, records and appeals")),
    ("C04", _("Question banks or assessment tasks exist for each declared level")),
    ("C05", _("Records of previous training and evaluation are kept")),
]


class SiteInspection(models.Model):
    class Conclusion(models.TextChoices):
        MEETS = "meets", _("Meets the requirements")
        BASICALLY = "basically", _("Basically meets the requirements")
        FAILS = "fails", _("Does not meet the requirements")

    application = models.ForeignKey("cases.FilingApplication", on_delete=models.CASCADE, related_name="inspections")
    planned_date = models.DateField(_("inspection date"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("team leader"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("team members"), related_name="+")
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    conclusion = models.CharField(_("conclusion"), max_length=20, choices=Conclusion.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("site inspection")
        verbose_name_plural = _("site inspections")

    def __str__(self):
        return f"inspection {self.pk} of {self.application_id}"


class InspectionFinding(models.Model):
    class Result(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")
        NA = "na", _("Not applicable")

    inspection = models.ForeignKey(SiteInspection, on_delete=models.CASCADE, related_name="findings")
    code = models.CharField(_("item"), max_length=10)
    text = models.CharField(_("requirement"), max_length=300)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        constraints = [models.UniqueConstraint(fields=["inspection", "code"], name="finding_item_once")]

    def __str__(self):
        return f"{self.code}: {self.result}"
