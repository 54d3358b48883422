"""Clock configuration kept by the regulator: calendar overrides and per-step time limits."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A day whose working status the regulator fixes by hand (工作日调整).

    Wins over the statutory calendar from the `holidays` package: enter the State Council's
    make-up days for a year the package does not know yet, or an ad-hoc closure.
    """

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("Working day (make-up or extra working day)")
        HOLIDAY = "holiday", _("Day off (closure or holiday)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(
        _("reason"), max_length=200, help_text=_("For example the State Council notice or the cause of the closure.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["workday", "holiday"]), name="calendaroverride_kind"),
        ]

    def __str__(self):
        return f"{self.date.isoformat()} {self.get_kind_display()}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.WORKDAY


class StepCode(models.TextChoices):
    """The steps whose time limit is counted in working days."""

    REVIEW = "review", _("Completeness review")
    SUPPLEMENT = "supplement", _("Supplement response")
    INSPECTION = "inspection", _("Site inspection")
    ASSESSMENT = "assessment", _("Expert assessment")
    DECISION = "decision", _("Decision")
    NOTICE = "notice", _("Public notice")
    BATCH_REVIEW = "batch_review", _("Result-batch review")
    BATCH_FIX = "batch_fix", _("Result-batch fix")


# Used when a step has no row in StepLimit; the data migration seeds the table with these.
DEFAULT_STEP_LIMITS: dict[str, int] = {
    StepCode.REVIEW: 5,
    StepCode.SUPPLEMENT: 10,
    StepCode.INSPECTION: 15,
    StepCode.ASSESSMENT: 10,
    StepCode.DECISION: 5,
    StepCode.NOTICE: 5,
    StepCode.BATCH_REVIEW: 5,
    StepCode.BATCH_FIX: 5,
}


class StepLimit(models.Model):
    """The number of working days a step may take (办理时限)."""

    code = models.CharField(_("step"), max_length=30, unique=True, choices=StepCode.choices)
    working_days = models.PositiveSmallIntegerField(_("working days"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["code"]
        verbose_name = _("step time limit")
        verbose_name_plural = _("step time limits")
        constraints = [
            models.CheckConstraint(condition=models.Q(working_days__gte=1), name="steplimit_working_days_positive"),
        ]

    def __str__(self):
        return f"{self.label}: {self.working_days}"

    @property
    def label(self) -> str:
        # From the choices rather than a column, so that it follows the user's language.
        return str(self.get_code_display())

    @property
    def default_working_days(self) -> int | None:
        return DEFAULT_STEP_LIMITS.get(self.code)
