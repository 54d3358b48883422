"""Per-request security: session timeouts, the second factor and forced password changes, response headers.

Order in settings.MIDDLEWARE: after AuthenticationMiddleware, OTPMiddleware and MessageMiddleware.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.accounts import services
from cases.accounts.policy import two_factor_required

_TOUCH_EVERY = 60  # seconds: the idle clock is saved at most once a minute, not on every request


def _minutes(seconds: int) -> int:
    return max(1, round(seconds / 60))


class SessionTimeoutMiddleware:
    """Signs out a session idle for SESSION_IDLE_TIMEOUT or older than SESSION_ABSOLUTE_TIMEOUT seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            session = request.session
            login_at = session.setdefault(services.LOGIN_AT, now)
            last_seen = session.get(services.LAST_SEEN, now)
            reason = None
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                reason = "idle"
                text = _("You were signed out after %(minutes)d minutes without activity. Please sign in again.") % {
                    "minutes": _minutes(settings.SESSION_IDLE_TIMEOUT)
                }
            elif now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT:
                reason = "lifetime"
                text = _("Your session ended after %(hours)d hours. Please sign in again.") % {
                    "hours": max(1, round(settings.SESSION_ABSOLUTE_TIMEOUT / 3600))
                }
            if reason:
                services.session_expired(user=user, reason=reason)
                logout(request)
                messages.warning(request, text)
                return redirect(f"{reverse('login')}?next={quote(request.get_full_path())}")
            if now - last_seen > _TOUCH_EVERY or services.LAST_SEEN not in session:
                session[services.LAST_SEEN] = now
        return self.get_response(request)


def _exempt(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in _exempt_prefixes())


def _exempt_prefixes() -> list[str]:
    return [
        reverse("logout"),
        reverse("two_factor"),
        reverse("two_factor_enrol"),
        reverse("set_language"),
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}",
        "/healthz",
    ]


class AccountRequirementsMiddleware:
    """Before anything else a signed-in user does: the second factor where required, then a password change
    when an administrator set the password."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _exempt(request.path):
            return self.get_response(request)
        if two_factor_required(user) and not user.is_verified():
            target = "two_factor" if services.confirmed_totp(user) else "two_factor_enrol"
            return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        if request.session.get(services.MUST_CHANGE) and request.path != reverse("password_change"):
            messages.info(request, _("Your password was set by an administrator. Choose your own password now."))
            return redirect("password_change")
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Permissions-Policy: the browser features no page uses are switched off (photos come through the file
    picker, which needs no camera permission)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
