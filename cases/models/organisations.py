"""Organisations that apply to be filed: enterprises and social training evaluation organisations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc


def validate_credit_code(value: str) -> None:
    """Unified social credit code (统一社会信用代码) with its check digit."""
    if not uscc.is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid unified social credit code (18 characters with a correct check digit)."),
            params={"value": value},
            code="invalid_credit_code",
        )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        SOCIAL = "social", _("Social training evaluation organisation")

    class Category(models.TextChoices):
        CENTRAL = "central", _("Branch of a central enterprise")
        MUNICIPAL = "municipal", _("Municipal enterprise")
        DISTRICT = "district", _("District enterprise")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("An organisation with this credit code is already registered.")},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    district = models.ForeignKey(
        "cases.District", verbose_name=_("district"), on_delete=models.PROTECT, related_name="organisations"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="organisations", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def has_member(self, user) -> bool:
        """Whether the user belongs to this organisation (False for an anonymous user)."""
        return bool(user is not None and user.is_authenticated) and self.members.filter(pk=user.pk).exists()
