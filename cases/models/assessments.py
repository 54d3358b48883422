"""Expert assessment (专业评估): a drawn panel scores the application blind against a weighted rubric."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.inspections import VersionedStandard

TWO_PLACES = Decimal("0.01")


class Rubric(VersionedStandard):
    """One version of the assessment rubric (评分标准); criteria weights add up to 100."""

    class Meta(VersionedStandard.Meta):
        verbose_name = _("assessment rubric")
        verbose_name_plural = _("assessment rubrics")

    def publication_problems(self) -> list[str]:
        criteria = list(self.criteria.all())
        if not criteria:
            return [str(_("A rubric needs at least one criterion."))]
        total = sum(c.weight for c in criteria)
        if total != 100:
            return [str(_("The criteria weights add up to %(total)d; they must add up to 100.") % {"total": total})]
        return []


class RubricCriterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("criterion"), max_length=10)
    text = models.CharField(_("description"), max_length=300)
    guidance = models.TextField(_("scoring guidance"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="rubric_criterion_code_once")]

    def __str__(self):
        return f"{self.code} {self.text} ({self.weight}%)"


@dataclass(frozen=True)
class PanelResult:
    """The panel's result once every expert has submitted."""

    count: int
    mean: Decimal  # the panel result: mean of the totals, extremes dropped when the rule applies
    trimmed: bool  # whether the highest and lowest totals were dropped
    dropped: tuple[Decimal, ...]
    highest: Decimal
    lowest: Decimal
    spread: Decimal  # highest minus lowest total
    disagreement: bool  # spread above the panel's margin
    passed: bool


def aggregate_totals(totals: Iterable[Decimal], *, trim_from: int, margin: Decimal, pass_mark: Decimal) -> PanelResult:
    """The panel result from the experts' totals.

    With `trim_from` or more experts (0: never) one highest and one lowest total are dropped
    before averaging; the spread always covers every expert.
    """
    ordered = sorted(Decimal(t) for t in totals)
    if not ordered:
        raise ValueError("no totals")
    trimmed = bool(trim_from) and len(ordered) >= max(trim_from, 3)
    counted = ordered[1:-1] if trimmed else ordered
    mean = (sum(counted) / len(counted)).quantize(TWO_PLACES)
    spread = ordered[-1] - ordered[0]
    return PanelResult(
        count=len(ordered),
        mean=mean,
        trimmed=trimmed,
        dropped=(ordered[0], ordered[-1]) if trimmed else (),
        highest=ordered[-1],
        lowest=ordered[0],
        spread=spread,
        disagreement=spread > Decimal(margin),
        passed=mean >= Decimal(pass_mark),
    )


class ExpertPanel(models.Model):
    application = models.ForeignKey("cases.FilingApplication", on_delete=models.CASCADE, related_name="panels")
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric version"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pass_mark = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=2)
    # The aggregation rule as configured when the panel was formed: later setting changes leave it alone.
    trim_from = models.PositiveSmallIntegerField(
        _("drop highest and lowest from"),
        default=5,
        help_text=_("With this many experts or more, the highest and lowest totals are dropped (0: never)."),
    )
    disagreement_margin = models.DecimalField(
        _("disagreement margin"), max_digits=5, decimal_places=2, default=Decimal("15")
    )
    formed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    formed_at = models.DateTimeField(_("formed at"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("expert panel")
        verbose_name_plural = _("expert panels")

    def __str__(self):
        return f"panel {self.pk} of {self.application_id}"

    def aggregate(self) -> PanelResult | None:
        """The panel result once every expert has submitted, else None (blind until then)."""
        scores = list(self.scores.all())
        if not scores or any(score.submitted_at is None for score in scores):
            return None
        return aggregate_totals(
            [score.total for score in scores],
            trim_from=self.trim_from,
            margin=self.disagreement_margin,
            pass_mark=self.pass_mark,
        )

    def result(self) -> Decimal | None:
        """The panel result (see aggregate) or None while any expert has still to submit."""
        aggregated = self.aggregate()
        return aggregated.mean if aggregated else None


class ExpertScore(models.Model):
    panel = models.ForeignKey(ExpertPanel, on_delete=models.CASCADE, related_name="scores")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.PROTECT)
    total = models.DecimalField(
        _("total score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("expert score")
        verbose_name_plural = _("expert scores")
        constraints = [models.UniqueConstraint(fields=["panel", "expert"], name="one_score_per_expert")]

    def __str__(self):
        return f"{self.expert_id}: {self.total}"


class CriterionScore(models.Model):
    """One expert's score (0-100) and comment on one rubric criterion."""

    score = models.ForeignKey(ExpertScore, on_delete=models.CASCADE, related_name="criteria")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(
        _("score (0-100)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["criterion__position", "criterion__code"]
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [models.UniqueConstraint(fields=["score", "criterion"], name="one_score_per_criterion")]

    def __str__(self):
        return f"{self.criterion_id}: {self.points}"


def weighted_total(points_by_weight: Iterable[tuple[Decimal, int]]) -> Decimal:
    """Sum of score x weight / 100 over the criteria: a total on the same 0-100 scale."""
    return (sum(Decimal(points) * weight for points, weight in points_by_weight) / 100).quantize(TWO_PLACES)
