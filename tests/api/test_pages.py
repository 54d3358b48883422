"""The signed-in pages for API keys and webhooks: who may use them, and the secret shown once."""

import pytest

from api.models import ApiKey, WebhookEndpoint

pytestmark = pytest.mark.django_db
URL = "/app/api_keys/"


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_regulator_without_the_admin_role_gets_403(client, clerk):
    client.force_login(clerk)
    assert client.get(URL).status_code == 403


def test_a_member_creates_a_key_sees_it_once_and_revokes_it(client, applicant, organisation):
    client.force_login(applicant)
    page = client.get(URL)
    assert page.status_code == 200 and organisation.name in page.content.decode()
    prefix = f"org{organisation.pk}"
    created = client.post(
        f"{URL}organisations/{organisation.pk}/keys/",
        {f"{prefix}-name": "HR", f"{prefix}-scopes": ["read", "submit"]},
    )
    assert created.status_code == 200 and "no-store" in created["Cache-Control"]
    key = ApiKey.objects.get()
    assert f"fk_{key.prefix}_" in created.content.decode()
    listed = client.get(URL).content.decode()
    assert key.prefix in listed and f"fk_{key.prefix}_…" in listed and "fk_" + key.prefix + "_" + "x" not in listed
    client.post(f"{URL}keys/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_member_of_another_organisation_cannot_create_or_revoke(client, organisation, other_body, org_key):
    _other_org, other_user = other_body
    client.force_login(other_user)
    assert client.post(f"{URL}organisations/{organisation.pk}/keys/", {}).status_code == 404
    assert client.post(f"{URL}keys/{org_key[0].pk}/revoke/").status_code == 404
    assert client.post(f"{URL}organisations/{organisation.pk}/webhooks/", {}).status_code == 404


def test_the_administrator_creates_a_regulator_account_and_its_key(client, bureau_admin):
    client.force_login(bureau_admin)
    client.post(f"{URL}accounts/", {"name": "国家技能人才评价平台"})
    page = client.get(URL).content.decode()
    assert "国家技能人才评价平台" in page
    from api.models import ServiceAccount

    account = ServiceAccount.objects.get()
    created = client.post(
        f"{URL}accounts/{account.pk}/keys/", {f"acc{account.pk}-name": "报表", f"acc{account.pk}-scopes": ["registry"]}
    )
    assert created.status_code == 200 and ApiKey.objects.get().scopes == ["registry"]


def test_a_member_registers_a_webhook_and_sees_its_secret_once(client, applicant, organisation):
    client.force_login(applicant)
    prefix = f"org{organisation.pk}"
    response = client.post(
        f"{URL}organisations/{organisation.pk}/webhooks/",
        {f"{prefix}-url": "https://hr.example.cn/hooks", f"{prefix}-kinds": ["batch"]},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    assert endpoint.secret not in client.get(f"{URL}webhooks/").content.decode()
