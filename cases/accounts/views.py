"""Sign-in pages (password, second factor, enrolment, password change) and the account's own page."""

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cases.accounts import services
from cases.accounts.forms import EnrolForm, TokenForm, UnlockForm
from cases.accounts.policy import two_factor_required
from cases.models import UserSession
from workflow import roles


def _next_url(request, default="/app/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class LoginView(auth_views.LoginView):
    """Password step; the second factor follows where the role needs one (AccountRequirementsMiddleware)."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "lockout_minutes": _cool_off_minutes(), "failure_limit": settings.AXES_FAILURE_LIMIT}


def _cool_off_minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """What django-axes answers while an account or address is locked out: the login page, saying so."""
    username = (credentials or {}).get("username", "") if isinstance(credentials, dict) else ""
    form_class = LoginView.authentication_form or AuthenticationForm
    context = {
        "form": form_class(request, initial={"username": username}),
        "locked_out": True,
        "lockout_minutes": _cool_off_minutes(),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "next": _next_url(request, ""),
    }
    return render(request, "registration/login.html", context, status=429)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """The second step of signing in: the authenticator's current code or a recovery code."""
    user = request.user
    if user.is_verified() or not two_factor_required(user):
        return redirect(_next_url(request))
    if services.confirmed_totp(user) is None:
        return redirect(f"{reverse('two_factor_enrol')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            services.session_rotate(request=request)
            return redirect(_next_url(request))
        form.add_error("token", _("The code is wrong or has expired. Enter the code the app shows now."))
    return render(
        request,
        "registration/two_factor.html",
        {"form": form, "next": _next_url(request, "")},
        status=400 if form.errors else 200,
    )


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """Set up the authenticator app: scan the QR code (or type the key), confirm with a code, keep the
    recovery codes. Also for setting it up again on a new phone, after the second factor."""
    user = request.user
    again = services.confirmed_totp(user) is not None
    if again and not user.is_verified():
        return redirect(f"{reverse('two_factor')}?next={_next_url(request)}")  # a new phone needs the old factor
    device = services.totp_device_for_enrolment(user=user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_enrol_confirm(user=user, device=device, token=form.cleaned_data["token"].strip())
        if codes is not None:
            device.refresh_from_db()
            django_otp.login(request, device)
            services.session_rotate(request=request)
            return render(
                request, "registration/recovery_codes.html", {"codes": codes, "next": _next_url(request), "new": True}
            )
        form.add_error("token", _("The code does not match. Check the phone's time and enter the code shown now."))
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": _grouped(secret),
            "again": again,
            "next": _next_url(request, ""),
        },
        status=400 if form.errors else 200,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:index")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # saves, and keeps this session signed in under a new key
        if old_key and old_key != self.request.session.session_key:
            UserSession.objects.filter(session_key=old_key).update(session_key=self.request.session.session_key)
        services.password_changed_by_user(user=self.request.user)
        self.request.session[services.MUST_CHANGE] = False
        messages.success(self.request, _("Your password has been changed."))
        return response


# The account's own page (/app/account/)


@login_required
def profile(request):
    user = request.user
    return render(
        request,
        "cases/accounts/profile.html",
        {
            "account": user,
            "role_labels": [roles.ROLE_LABELS[role] for role in roles.roles_of(user)],
            "two_factor_required": two_factor_required(user),
            "two_factor_device": services.confirmed_totp(user),
            "sessions": UserSession.objects.filter(user=user),
            "current_session": request.session.session_key,
            "idle_minutes": round(settings.SESSION_IDLE_TIMEOUT / 60),
            "is_admin": _is_admin(user),
        },
    )


@login_required
@require_POST
def sign_out_everywhere(request):
    """End every session of the account, this one included."""
    services.sessions_sign_out_everywhere(user=request.user, actor=request.user)
    from django.contrib.auth import logout

    logout(request)
    messages.success(request, _("You have been signed out on every device."))
    return redirect("login")


@never_cache
@login_required
@require_POST
def recovery_codes(request):
    """A new set of recovery codes (needs the second factor of this session)."""
    if not request.user.is_verified():
        raise PermissionDenied
    codes = services.recovery_codes_create(user=request.user)
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next": reverse("accounts:index")})


# Lockouts: the administrator lifts them


def _is_admin(user) -> bool:
    return user.is_superuser or roles.has_role(user, roles.ADMIN)


@login_required
def lockouts(request):
    if not _is_admin(request.user):
        raise PermissionDenied
    return render(
        request,
        "cases/accounts/lockouts.html",
        {"lockouts": services.current_lockouts(), "minutes": _cool_off_minutes(), "limit": settings.AXES_FAILURE_LIMIT},
    )


@login_required
@require_POST
def unlock(request):
    if not _is_admin(request.user):
        raise PermissionDenied
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a lockout to lift."))
        return redirect("lockouts:index")
    kind, value = form.cleaned_data["kind"], form.cleaned_data["value"]
    services.lockout_unlock(kind=kind, value=value, actor=request.user)
    messages.success(request, _("The lockout of %(value)s has been lifted.") % {"value": value})
    return redirect("lockouts:index")
