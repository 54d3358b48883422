"""Writes on accounts: sessions, passwords, second factors and lockouts, each recorded in the audit trail."""

import ipaddress
import secrets

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audits.services import audit_record
from cases.common.ratelimit import client_address
from cases.models import AccountSecurity, UserSession

LOCKED_OUT = "auth.locked_out"
UNLOCKED = "auth.unlocked"
PASSWORD_CHANGED = "auth.password_changed"
PASSWORD_SET_BY_ADMIN = "auth.password_set_by_admin"
TWO_FACTOR_ENROLLED = "auth.two_factor_enrolled"
TWO_FACTOR_VERIFIED = "auth.two_factor_verified"
TWO_FACTOR_FAILED = "auth.two_factor_failed"
RECOVERY_CODES_CREATED = "auth.recovery_codes_created"
RECOVERY_CODE_USED = "auth.recovery_code_used"
SIGNED_OUT_EVERYWHERE = "auth.signed_out_everywhere"
SESSION_EXPIRED = "auth.session_expired"

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"
RECOVERY_CODE_COUNT = 10

# Session keys kept by the middleware
LOGIN_AT = "accounts.login_at"
LAST_SEEN = "accounts.last_seen"
MUST_CHANGE = "accounts.must_change_password"


def _security(user) -> AccountSecurity:
    security, _created = AccountSecurity.objects.select_for_update().get_or_create(user=user)
    return security


# Sessions


def _ip(request) -> str | None:
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def session_signed_in(*, request, user) -> None:
    """Remember the new session (to list it and sign it out from elsewhere) and when it began."""
    now = timezone.now().timestamp()
    request.session[LOGIN_AT] = request.session[LAST_SEEN] = now
    request.session[MUST_CHANGE] = AccountSecurity.objects.filter(user=user, must_change_password=True).exists()
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": _ip(request),
            "user_agent": request.headers.get("User-Agent", "")[:200],
        },
    )


def session_rotate(*, request) -> None:
    """A new session key for the same session (after the second factor), keeping the record in step."""
    old = request.session.session_key
    request.session.cycle_key()
    if old:
        UserSession.objects.filter(session_key=old).update(session_key=request.session.session_key)


def session_forget(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def _session_store() -> type[SessionBase]:
    from importlib import import_module

    return import_module(settings.SESSION_ENGINE).SessionStore


@transaction.atomic
def sessions_sign_out_everywhere(*, user, actor) -> int:
    """End every session of user (in every browser); the number ended."""
    store = _session_store()
    keys = list(UserSession.objects.select_for_update().filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    audit_record(actor=actor, action=SIGNED_OUT_EVERYWHERE, obj=user, data={"sessions": len(keys)})
    return len(keys)


def session_expired(*, user, reason: str) -> None:
    audit_record(actor=user, action=SESSION_EXPIRED, obj=user, data={"reason": reason})


# Passwords


@transaction.atomic
def password_changed_by_user(*, user) -> None:
    """The user chose a new password: no change is forced any more."""
    security = _security(user)
    security.must_change_password = False
    security.password_changed_at = timezone.now()
    security.save(update_fields=["must_change_password", "password_changed_at"])
    audit_record(actor=user, action=PASSWORD_CHANGED, obj=user)


@transaction.atomic
def password_set_by_admin(*, user, actor) -> None:
    """An administrator set the password: the user must choose their own at the next sign-in."""
    security = _security(user)
    security.must_change_password = True
    security.password_changed_at = timezone.now()
    security.save(update_fields=["must_change_password", "password_changed_at"])
    audit_record(actor=actor, action=PASSWORD_SET_BY_ADMIN, obj=user)


# Second factor


def totp_device_for_enrolment(*, user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (a new secret on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    # Three groups of four hexadecimal digits (48 bits): within the 16 characters django-otp stores.
    codes = ["-".join(secrets.token_hex(2) for _ in range(3)) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def totp_enrol_confirm(*, user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a code it shows; replaces older ones. The new recovery codes, or None."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(token):
        audit_record(actor=user, action=TWO_FACTOR_FAILED, obj=user, data={"step": "enrolment"})
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _new_recovery_codes(user)
    audit_record(actor=user, action=TWO_FACTOR_ENROLLED, obj=user, data={"recovery_codes": len(codes)})
    return codes


@transaction.atomic
def recovery_codes_create(*, user) -> list[str]:
    """A new set of recovery codes; the old ones stop working."""
    codes = _new_recovery_codes(user)
    audit_record(actor=user, action=RECOVERY_CODES_CREATED, obj=user, data={"recovery_codes": len(codes)})
    return codes


def two_factor_verify(*, user, token: str):
    """The device that accepts token (the authenticator's code or an unused recovery code), or None."""
    token = "".join(str(token or "").split()).lower()
    device = None
    totp = confirmed_totp(user)
    if totp is not None and token.isdigit():
        with transaction.atomic():  # the throttling counters are saved with the answer
            locked = TOTPDevice.objects.select_for_update().get(pk=totp.pk)
            device = locked if locked.verify_token(token) else None
    elif len(token) <= 32:
        for static in StaticDevice.objects.filter(user=user, confirmed=True):
            with transaction.atomic():
                locked = StaticDevice.objects.select_for_update().get(pk=static.pk)
                if locked.verify_token(token):  # a recovery code works once
                    device = locked
                    break
    if device is None:
        audit_record(actor=user, action=TWO_FACTOR_FAILED, obj=user, data={"step": "sign-in"})
    elif isinstance(device, StaticDevice):
        remaining = StaticToken.objects.filter(device=device).count()
        audit_record(actor=user, action=RECOVERY_CODE_USED, obj=user, data={"remaining": remaining})
    else:
        audit_record(actor=user, action=TWO_FACTOR_VERIFIED, obj=user)
    return device


# Lockouts (django-axes)


def lockout_record(*, username: str, ip_address: str | None) -> None:
    """One event per lockout; the failed attempts themselves are recorded as failed sign-ins."""
    audit_record(
        actor=None,
        action=LOCKED_OUT,
        object_type="auth.user",
        object_id=str(username or "")[:150],
        data={"username": str(username or "")[:150], "ip": ip_address or ""},
    )


def _recent_attempts():
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)


def current_lockouts() -> list[dict]:
    """Accounts and addresses locked out now: {"kind": "username"|"ip_address", "value", "failures", "last"}."""
    locked = []
    for field in ("username", "ip_address"):
        rows = (
            _recent_attempts()
            .exclude(**{f"{field}__isnull": True})
            .exclude(**{field: ""})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        )
        locked += [
            {"kind": field, "value": row[field], "failures": row["failures"], "last": row["last"]} for row in rows
        ]
    return sorted(locked, key=lambda row: row["last"], reverse=True)


@transaction.atomic
def lockout_unlock(*, kind: str, value: str, actor) -> int:
    """Lift the lockout of an account (kind "username") or an address ("ip_address"); the attempts removed."""
    if kind not in ("username", "ip_address") or not value:
        raise ValueError(kind)
    removed = axes_reset(username=value) if kind == "username" else axes_reset(ip=value)
    audit_record(
        actor=actor,
        action=UNLOCKED,
        object_type="auth.user" if kind == "username" else "auth.address",
        object_id=str(value)[:150],
        data={kind: str(value), "attempts": removed},
    )
    return removed
