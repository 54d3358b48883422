"""Login throttling: 5 failures for one account or from one address lock both out; an admin unlocks."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from audits.models import AuditEvent
from tests.accounts.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def test_five_failures_for_one_account_lock_it_even_with_the_right_password(client, clerk_user):
    for _ in range(4):
        assert sign_in(client, clerk_user.username, "wrong-password").status_code == 200
    locked = sign_in(client, clerk_user.username, "wrong-password")
    assert locked.status_code == 429
    assert locked.context["locked_out"] is True
    right = sign_in(client, clerk_user.username, PASSWORD)
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    # From another address too: the account itself is locked.
    assert sign_in(client, clerk_user.username, PASSWORD, ip="203.0.113.77").status_code == 429
    body = right.content.decode()
    assert 'data-testid="locked-out"' in body


def test_five_failures_from_one_address_lock_it_for_every_account(client, clerk_user, applicant_user):
    for n in range(5):
        sign_in(client, f"nobody-{n}", "guess", ip="198.51.100.99")
    assert sign_in(client, applicant_user.username, PASSWORD, ip="198.51.100.99").status_code == 429
    # The account itself is not locked: from elsewhere it signs in.
    assert sign_in(client, applicant_user.username, PASSWORD, ip="198.51.100.5").status_code == 302


def test_every_lockout_is_in_the_audit_trail(client, clerk_user):
    for _ in range(5):
        sign_in(client, clerk_user.username, "wrong-password")
    event = AuditEvent.objects.filter(action="auth.locked_out").latest("id")
    assert event.data["username"] == clerk_user.username and event.data["ip"] == "198.51.100.20"
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 5


def test_the_lockout_ends_after_the_cool_off(client, clerk_user, settings):
    for _ in range(5):
        sign_in(client, clerk_user.username, "wrong-password")
    assert sign_in(client, clerk_user.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16))
    assert sign_in(client, clerk_user.username, PASSWORD).status_code == 302


def test_failures_older_than_the_window_do_not_count(client, clerk_user):
    for _ in range(4):
        sign_in(client, clerk_user.username, "wrong-password")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16))
    assert sign_in(client, clerk_user.username, "wrong-password").status_code == 200
    assert sign_in(client, clerk_user.username, PASSWORD).status_code == 302


def test_an_admin_sees_and_lifts_the_lockout(client, clerk_user, admin_user):
    for _ in range(5):
        sign_in(client, clerk_user.username, "wrong-password")
    client.force_login(admin_user)
    page = client.get(reverse("lockouts:index"))
    assert page.status_code == 200 and clerk_user.username in page.content.decode()
    response = client.post(reverse("lockouts:unlock"), {"kind": "username", "value": clerk_user.username})
    assert response.status_code == 302
    client.post(reverse("lockouts:unlock"), {"kind": "ip_address", "value": "198.51.100.20"})
    event = AuditEvent.objects.filter(action="auth.unlocked").first()
    assert event.actor == admin_user and event.data["username"] == clerk_user.username
    client.logout()
    assert sign_in(client, clerk_user.username, PASSWORD).status_code == 302


def test_only_the_admin_unlocks(client, clerk_user, applicant_user):
    client.force_login(applicant_user)
    assert client.get(reverse("lockouts:index")).status_code == 403
    response = client.post(reverse("lockouts:unlock"), {"kind": "username", "value": clerk_user.username})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="auth.unlocked").exists()


def test_the_lockout_uses_the_client_address_through_the_proxy(client, clerk_user, settings):
    settings.TRUSTED_PROXIES = 1
    for n in range(5):
        sign_in(client, f"nobody-{n}", "guess", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.61")
    assert (
        sign_in(client, clerk_user.username, PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.61").status_code
        == 429
    )
    # Another citizen behind the same proxy is not locked out.
    assert (
        sign_in(client, clerk_user.username, PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.62").status_code
        == 302
    )
