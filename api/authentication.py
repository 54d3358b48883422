"""API keys as a DRF authentication: `Authorization: Bearer fk_…` (or `X-API-Key: fk_…`)."""

import hmac
import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from api.models import ApiKey
from api.services import key_digest, split_key
from audits.services import audit_record

logger = logging.getLogger(__name__)


def _raw_key(request) -> str:
    given = request.headers.get("X-API-Key", "")
    if given:
        return given.strip()
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


class ApiKeyAuthentication(BaseAuthentication):
    """The key's service account is the request's user; the key itself is `request.auth`."""

    def authenticate(self, request):
        raw = _raw_key(request)
        if not raw:
            return None
        prefix = split_key(raw)
        key = None
        if prefix is not None:
            key = ApiKey.objects.select_related("account__user", "account__organisation").filter(prefix=prefix).first()
        if key is None:
            logger.info("Unknown API key presented from %s", request.META.get("REMOTE_ADDR"))
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        reason = ""
        if not hmac.compare_digest(key.digest, key_digest(raw)):
            reason = "wrong_secret"
        elif key.revoked_at is not None:
            reason = "revoked"
        elif key.expires_at is not None and key.expires_at <= timezone.now():
            reason = "expired"
        elif not key.account.user.is_active:
            reason = "account_inactive"
        if reason:
            audit_record(
                actor=None,
                action="api.key_refused",
                obj=key,
                data={"prefix": key.prefix, "reason": reason, "path": request.path[:200]},
            )
            messages = {
                "revoked": _("This API key has been revoked."),
                "expired": _("This API key has expired."),
            }
            raise exceptions.AuthenticationFailed(messages.get(reason, _("Invalid API key.")))
        return key.account.user, key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def record_key_use(*, key: ApiKey, request, status: int) -> None:
    """Every request made with a key: one audit event, and the key's last-used time."""
    now = timezone.now()
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    audit_record(
        actor=key.account.user,
        action="api.key_used",
        obj=key,
        data={"prefix": key.prefix, "method": request.method, "path": request.path[:200], "status": status},
    )
