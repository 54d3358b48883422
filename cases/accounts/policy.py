"""The rules: who needs a second factor, what a password must be."""

import re

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workflow import roles


def two_factor_required(user) -> bool:
    """Regulators, the auditor and administrators sign in with a second factor (MLPS 2.0 level 3)."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(roles.has_role(user, role) for role in settings.TWO_FACTOR_ROLES)


class LettersAndDigitsValidator:
    """A password holds at least one letter and one digit."""

    def validate(self, password, user=None):
        if not re.search(r"[^\W\d_]", password) or not re.search(r"\d", password):
            raise ValidationError(_("The password must contain both letters and digits."), code="password_no_mix")

    def get_help_text(self):
        return _("Your password must contain both letters and digits.")


class PasswordHistoryValidator:
    """A password is not one of the account's last `count` passwords; every new one joins the history."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None):
            return
        from cases.models import PasswordHistory

        hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.count])
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)
        if any(check_password(password, encoded) for encoded in hashes[: self.count]):
            raise ValidationError(
                ngettext(
                    "The password must differ from your last password.",
                    "The password must differ from your last %(count)d passwords.",
                    self.count,
                )
                % {"count": self.count},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        """Called by Django after a new password is saved (User.save, the password forms)."""
        if user is None or not user.pk or not user.has_usable_password():
            return
        from cases.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[self.count :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return ngettext(
            "Your password cannot be your last password.",
            "Your password cannot be one of your last %(count)d passwords.",
            self.count,
        ) % {"count": self.count}


def client_ip_or_none(request) -> str | None:
    """The client address for django-axes (through TRUSTED_PROXIES), None when there is none."""
    from cases.common.ratelimit import UNKNOWN, client_address

    address = client_address(request)
    return None if address == UNKNOWN else address
