"""The account's own area (/app/account/) and the lockouts (/app/lockouts/); listed in config.site's FilingSite."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from cases.accounts import views
from config.areas import AreaApplication
from workflow import roles


class AccountApp(AreaApplication):
    """My account: second factor, password, signed-in sessions."""

    title = _("My account")
    icon = "manage_accounts"
    app_name = "accounts"
    allowed_roles = None  # every signed-in user
    menu_links = [(_("Security"), "index", "security")]
    index_path = path("", views.profile, name="index")
    sign_out_path = path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere")
    recovery_codes_path = path("recovery-codes/", views.recovery_codes, name="recovery_codes")


class LockoutsApp(AreaApplication):
    """The administrator's list of accounts and addresses locked out after failed sign-ins, to lift them."""

    title = _("Sign-in lockouts")
    icon = "lock_open"
    app_name = "lockouts"
    allowed_roles = [roles.ADMIN]
    menu_links = [(_("Locked out now"), "index", "lock_open")]
    index_path = path("", views.lockouts, name="index")
    unlock_path = path("unlock/", views.unlock, name="unlock")
