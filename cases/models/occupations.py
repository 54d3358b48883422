"""Reference data: the occupation catalogue, skill levels and districts."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SkillLevel(models.IntegerChoices):
    """The five national skill levels; 1 is the highest."""

    LEVEL_1 = 1, _("Level 1 / Senior technician")
    LEVEL_2 = 2, _("Level 2 / Technician")
    LEVEL_3 = 3, _("Level 3 / Senior worker")
    LEVEL_4 = 4, _("Level 4 / Intermediate worker")
    LEVEL_5 = 5, _("Level 5 / Junior worker")


occupation_code_validator = RegexValidator(
    r"^\d-\d{2}-\d{2}-\d{2}$",
    _("Occupation codes have the form X-XX-XX-XX, e.g. 6-18-01-01."),
)


class District(models.Model):
    """An administrative district (区) of the city."""

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class Occupation(models.Model):
    """An occupation (职业) or one of its trades (工种) from the national classification."""

    code = models.CharField(_("code"), max_length=10, validators=[occupation_code_validator])
    name = models.CharField(_("name"), max_length=100)
    trade = models.CharField(_("trade"), max_length=100, blank=True, default="")
    levels = models.JSONField(_("levels"), default=list, help_text=_("Skill levels 1-5 it may be certified at."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code", "trade"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        constraints = [
            models.UniqueConstraint(fields=["code", "trade"], name="occupation_code_trade_unique"),
        ]

    def __str__(self):
        label = f"{self.code} {self.name}"
        return f"{label}（{self.trade}）" if self.trade else label

    def clean(self):
        levels = self.levels or []
        if not levels:
            raise ValidationError({"levels": _("At least one skill level is required.")})
        if any(level not in SkillLevel.values for level in levels) or len(set(levels)) != len(levels):
            raise ValidationError({"levels": _("Levels must be distinct numbers from 1 to 5.")})

    @property
    def level_labels(self) -> list[str]:
        return [SkillLevel(level).label for level in sorted(self.levels)]
