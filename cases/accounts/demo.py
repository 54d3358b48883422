"""Second factors for the demo users (`make run` with TWO_FACTOR_REQUIRED=1): fixed keys, printed."""

import hashlib
import hmac
from base64 import b32encode

from django.conf import settings
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.accounts.policy import two_factor_required


def _demo_key(username: str) -> str:
    """The same 20-byte key on every run (from SECRET_KEY), so an app set up once keeps working."""
    return hmac.new(settings.SECRET_KEY.encode(), f"demo-totp:{username}".encode(), hashlib.sha1).hexdigest()


def demo_devices(usernames) -> list[tuple[str, str, str]]:
    """(username, base32 key, current code) for each demo user whose role needs a second factor."""
    result = []
    for user in get_user_model().objects.filter(username__in=list(usernames)).order_by("username"):
        if not two_factor_required(user):
            continue
        key = _demo_key(user.username)
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, name="demo authenticator", defaults={"key": key, "confirmed": True}
        )
        if device.key != key or not device.confirmed:
            device.key, device.confirmed = key, True
            device.save(update_fields=["key", "confirmed"])
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"
        result.append((user.username, b32encode(device.bin_key).decode(), code))
    return result
