"""Expert assessment (专业评估): a panel scores the application independently."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpertPanel(models.Model):
    application = models.ForeignKey("cases.FilingApplication", on_delete=models.CASCADE, related_name="panels")
    pass_mark = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=2)
    formed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    formed_at = models.DateTimeField(_("formed at"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("expert panel")
        verbose_name_plural = _("expert panels")

    def __str__(self):
        return f"panel {self.pk} of {self.application_id}"

    def result(self) -> Decimal | None:
        """Mean of submitted totals once every expert has scored, else None (blind until then)."""
        scores = list(self.scores.all())
        if not scores or any(score.submitted_at is None for score in scores):
            return None
        return (sum(score.total for score in scores) / len(scores)).quantize(Decimal("0.01"))


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
