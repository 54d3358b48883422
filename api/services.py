"""Writes of the API's own records: service accounts, API keys, webhook endpoints.

Who may manage an organisation's keys and webhooks: every applicant member of the organisation (the
people who act for it in the UI), and the bureau administrator (`api.manage_api_keys`), who also
creates the regulator service accounts and their keys. No change to the organisation's model is
needed: membership is what the UI already uses for every other action of a body.
"""

import hashlib
import secrets
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ORGANISATION_SCOPES, REGULATOR_SCOPES, ApiKey, ServiceAccount, WebhookEndpoint
from audits.services import audit_record
from cases.models import Organisation
from workflow import roles

MANAGE_ALL = "api.manage_api_keys"
KEY_TAG = "fk"  # every key starts with it, so that a key pasted somewhere it should not be is recognisable


def may_manage_all(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_perm(MANAGE_ALL))


def is_service_user(user) -> bool:
    return hasattr(user, "service_account")


def may_manage_organisation(user, organisation: Organisation) -> bool:
    """The organisation's own applicant members and the bureau administrator; never a service account."""
    if not user.is_authenticated or is_service_user(user):
        return False
    if may_manage_all(user):
        return True
    return roles.has_role(user, roles.APPLICANT) and organisation.members.filter(pk=user.pk).exists()


def managed_organisations(user):
    if may_manage_all(user):
        return Organisation.objects.all()
    if not user.is_authenticated or is_service_user(user) or not roles.has_role(user, roles.APPLICANT):
        return Organisation.objects.none()
    return user.organisations.all()


def _ensure_manager(actor, organisation: Organisation) -> None:
    if not may_manage_organisation(actor, organisation):
        raise PermissionDenied(_("Only members of %(body)s may manage its API keys.") % {"body": organisation.name})


def key_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def split_key(raw: str) -> str | None:
    """The prefix of a well-formed key (fk_<prefix>_<secret>), else None."""
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_TAG or len(parts[1]) != 12 or len(parts[2]) < 32:
        return None
    return parts[1]


def _service_user(*, username: str, name: str, role: str):
    user = get_user_model().objects.create_user(username=username, password=None, first_name=name[:150])
    user.groups.add(Group.objects.get(name=role))
    return user


@transaction.atomic
def organisation_account(*, organisation: Organisation, actor) -> ServiceAccount:
    """The organisation's service account, created on first use: an applicant member of it."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _ensure_manager(actor, organisation)
    account = ServiceAccount.objects.filter(organisation=organisation).first()
    if account is not None:
        return account
    name = _("API: %(body)s") % {"body": organisation.name}
    user = _service_user(username=f"api-org-{organisation.pk}", name=name, role=roles.APPLICANT)
    organisation.members.add(user)
    account = ServiceAccount.objects.create(user=user, organisation=organisation, name=name, created_by=actor)
    audit_record(actor=actor, action="api.account_created", obj=account, data={"organisation": organisation.pk})
    return account


@transaction.atomic
def regulator_account_create(*, name: str, actor) -> ServiceAccount:
    """A regulator service account (read-only: the auditor role), for the bureau's reporting systems."""
    if not may_manage_all(actor):
        raise PermissionDenied(_("Only the administrator may create regulator service accounts."))
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the account a name."))
    user = _service_user(username=f"api-reg-{secrets.token_hex(4)}", name=name, role=roles.AUDITOR)
    account = ServiceAccount.objects.create(user=user, name=name[:100], created_by=actor)
    audit_record(actor=actor, action="api.account_created", obj=account, data={"regulator": True, "name": name})
    return account


def _ensure_account_manager(actor, account: ServiceAccount) -> None:
    if account.is_regulator:
        if not may_manage_all(actor):
            raise PermissionDenied(_("Only the administrator may manage regulator keys."))
    else:
        _ensure_manager(actor, account.organisation)


def allowed_scopes(account: ServiceAccount) -> tuple[str, ...]:
    return REGULATOR_SCOPES if account.is_regulator else ORGANISATION_SCOPES


@transaction.atomic
def api_key_create(
    *,
    account: ServiceAccount,
    actor,
    name: str,
    scopes: list[str],
    expires_on: date | None = None,
    rate_per_minute: int | None = None,
) -> tuple[ApiKey, str]:
    """A new key for the account; returns it with the secret, which is never shown again."""
    _ensure_account_manager(actor, account)
    scopes = sorted(set(scopes))
    if not scopes:
        raise ValidationError(_("Choose at least one scope."))
    refused = [scope for scope in scopes if scope not in allowed_scopes(account)]
    if refused:
        raise ValidationError(_("This account cannot have the scopes: %(scopes)s.") % {"scopes": ", ".join(refused)})
    if expires_on is not None and expires_on <= timezone.localdate():
        raise ValidationError(_("The expiry date must be in the future."))
    prefix = secrets.token_hex(6)
    raw = f"{KEY_TAG}_{prefix}_{secrets.token_urlsafe(32)}"
    expires_at = (
        timezone.make_aware(datetime.combine(expires_on, time.max.replace(microsecond=0))) if expires_on else None
    )
    key = ApiKey.objects.create(
        account=account,
        name=(name or "").strip()[:100] or _("API key"),
        prefix=prefix,
        digest=key_digest(raw),
        scopes=scopes,
        rate_per_minute=rate_per_minute or settings.API_KEY_DEFAULT_RATE,
        expires_at=expires_at,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="api.key_created",
        obj=key,
        data={"prefix": prefix, "scopes": scopes, "account": account.pk, "expires": expires_on},
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor) -> ApiKey:
    """Revoke a key at once; requests with it are refused from now on."""
    key = ApiKey.objects.select_for_update(of=("self",)).select_related("account__organisation").get(pk=key.pk)
    _ensure_account_manager(actor, key.account)
    if key.revoked_at is not None:
        raise ValidationError(_("This key is already revoked."))
    key.revoked_at, key.revoked_by = timezone.now(), actor
    key.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(actor=actor, action="api.key_revoked", obj=key, data={"prefix": key.prefix})
    return key


def webhook_url_problem(url: str) -> str | None:
    """Why a receiver address is refused, or None: HTTPS only (plain HTTP on loopback when allowed)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url or "")
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and settings.WEBHOOK_ALLOW_LOOPBACK_HTTP and parts.hostname in ("127.0.0.1", "localhost"):
        return None
    return _("The address must start with https://.")


@transaction.atomic
def webhook_create(*, organisation: Organisation, actor, url: str, kinds: list[str]) -> tuple[WebhookEndpoint, str]:
    """Register a receiver; returns it with its signing secret (shown once)."""
    _ensure_manager(actor, organisation)
    problem = webhook_url_problem(url)
    if problem:
        raise ValidationError(problem)
    kinds = sorted(set(kinds))
    if not kinds or any(kind not in WebhookEndpoint.Kind.values for kind in kinds):
        raise ValidationError(_("Choose what the endpoint receives."))
    secret = secrets.token_hex(32)
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation, url=url, secret=secret, kinds=kinds, created_by=actor
    )
    audit_record(actor=actor, action="api.webhook_created", obj=endpoint, data={"url": url, "kinds": kinds})
    return endpoint, secret


@transaction.atomic
def webhook_disable(*, endpoint: WebhookEndpoint, actor) -> WebhookEndpoint:
    """Stop sending to an endpoint (pending deliveries are not sent either)."""
    endpoint = (
        WebhookEndpoint.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=endpoint.pk)
    )
    _ensure_manager(actor, endpoint.organisation)
    if not endpoint.active:
        raise ValidationError(_("This endpoint is already switched off."))
    endpoint.active = False
    endpoint.save(update_fields=["active"])
    audit_record(actor=actor, action="api.webhook_disabled", obj=endpoint, data={"url": endpoint.url})
    return endpoint
