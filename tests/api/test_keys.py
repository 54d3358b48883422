"""API keys: shown once, stored hashed, scoped, expiring, revocable, rate-limited, every use audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from api import services
from api.models import ApiKey
from audits.models import AuditEvent
from tests.api.conftest import key_client, make_key
from workflow import roles

pytestmark = pytest.mark.django_db


def test_a_key_is_shown_once_and_stored_only_as_a_digest(org_key):
    key, raw = org_key
    assert raw.startswith(f"fk_{key.prefix}_") and len(raw) > 50
    stored = ApiKey.objects.values_list("digest", flat=True).get(pk=key.pk)
    assert stored == services.key_digest(raw) and raw not in stored
    assert not AuditEvent.objects.filter(data__icontains=raw.split("_", 2)[2]).exists()


def test_the_organisation_key_acts_as_a_member_of_that_organisation_only(org_key, organisation):
    user = org_key[0].account.user
    assert organisation.members.filter(pk=user.pk).exists()
    assert roles.roles_of(user) == [roles.APPLICANT] and not user.has_usable_password()


def test_every_use_is_audited_and_sets_the_last_used_time(body_api, org_key):
    key = org_key[0]
    assert body_api.get("/api/v1/applications/").status_code == 200
    assert body_api.get("/api/v1/applications/999999/").status_code == 404
    uses = AuditEvent.objects.filter(action="api.key_used", object_id=str(key.pk)).order_by("id")
    assert [(e.data["path"], e.data["status"]) for e in uses] == [
        ("/api/v1/applications/", 200),
        ("/api/v1/applications/999999/", 404),
    ]
    assert uses[0].actor == key.account.user
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_revoked_key_is_refused_and_the_refusal_audited(org_key, applicant):
    key, raw = org_key
    services.api_key_revoke(key=key, actor=applicant)
    response = key_client(raw).get("/api/v1/applications/")
    assert response.status_code == 401 and response.json() == {
        "code": "authentication_failed",
        "detail": "This API key has been revoked.",
    }
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert AuditEvent.objects.filter(action="api.key_refused", data__reason="revoked").exists()


def test_an_expired_key_is_refused(org_key):
    key, raw = org_key
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert key_client(raw).get("/api/v1/applications/").json()["detail"] == "This API key has expired."


def test_a_wrong_secret_with_a_real_prefix_is_refused(org_key):
    key, raw = org_key
    response = key_client(f"fk_{key.prefix}_{'x' * 43}").get("/api/v1/applications/")
    assert response.status_code == 401
    assert AuditEvent.objects.filter(action="api.key_refused", data__reason="wrong_secret").exists()
    assert key_client("nonsense").get("/api/v1/applications/").status_code == 401


def test_no_key_is_401_on_private_endpoints_and_fine_on_public_ones(client):
    assert client.get("/api/v1/applications/").status_code == 401
    assert client.get("/api/v1/bodies/").status_code == 200


def test_each_key_has_its_own_rate_limit_with_retry_after(organisation, applicant, filing):
    _key, raw = make_key(organisation=organisation, actor=applicant, rate_per_minute=2)
    api = key_client(raw)
    assert [api.get("/api/v1/applications/").status_code for _ in range(3)] == [200, 200, 429]
    limited = api.get("/api/v1/applications/")
    assert limited.json()["code"] == "throttled" and 0 < int(limited["Retry-After"]) <= 60
    _other, other_raw = make_key(organisation=organisation, actor=applicant)
    assert key_client(other_raw).get("/api/v1/applications/").status_code == 200


def test_scopes_outside_the_kind_of_account_are_refused(org_key, applicant, bureau_admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.api_key_create(account=org_key[0].account, actor=applicant, name="x", scopes=["registry"])
    account = services.regulator_account_create(name="平台", actor=bureau_admin)
    with pytest.raises(ValidationError):
        services.api_key_create(account=account, actor=bureau_admin, name="x", scopes=["submit"])


def test_only_members_and_the_administrator_manage_an_organisations_keys(
    org_key, other_body, bureau_admin, clerk, applicant
):
    organisation, other_user = other_body
    with pytest.raises(PermissionDenied):
        services.organisation_account(organisation=organisation, actor=applicant)
    with pytest.raises(PermissionDenied):
        services.api_key_revoke(key=org_key[0], actor=other_user)
    with pytest.raises(PermissionDenied):
        services.api_key_revoke(key=org_key[0], actor=clerk)
    with pytest.raises(PermissionDenied):
        services.regulator_account_create(name="x", actor=applicant)
    services.api_key_revoke(key=org_key[0], actor=bureau_admin)
    # a service account never manages keys, even its own organisation's
    assert not services.may_manage_organisation(org_key[0].account.user, org_key[0].account.organisation)


def test_a_signed_in_user_uses_the_api_with_the_session(client, applicant, filing):
    client.force_login(applicant)
    listed = client.get("/api/v1/filings/").json()["results"]
    assert [row["number"] for row in listed] == [filing.number]
