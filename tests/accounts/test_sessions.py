"""Sessions: idle and absolute timeouts, a new key at sign-in, sign-out everywhere."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditEvent
from cases.accounts import services
from cases.models import UserSession
from tests.accounts.conftest import sign_in

pytestmark = pytest.mark.django_db


def _age(client, key, seconds):
    session = client.session
    session[key] = timezone.now().timestamp() - seconds
    session.save()


def test_an_idle_session_is_signed_out(client, applicant_user, settings):
    settings.SESSION_IDLE_TIMEOUT = 1800
    sign_in(client, applicant_user.username)
    assert client.get("/app/workbench/").status_code == 200
    _age(client, services.LAST_SEEN, 1801)
    response = client.get("/app/workbench/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/app/workbench/")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.session_expired", data__reason="idle").exists()


def test_activity_keeps_the_session(client, applicant_user, settings):
    settings.SESSION_IDLE_TIMEOUT = 1800
    sign_in(client, applicant_user.username)
    _age(client, services.LAST_SEEN, 1700)
    assert client.get("/app/workbench/").status_code == 200
    assert timezone.now().timestamp() - client.session[services.LAST_SEEN] < 5


def test_a_session_ends_after_its_lifetime_however_busy(client, applicant_user, settings):
    settings.SESSION_ABSOLUTE_TIMEOUT = 3600
    sign_in(client, applicant_user.username)
    _age(client, services.LOGIN_AT, 3601)
    assert client.get("/app/workbench/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.session_expired", data__reason="lifetime").exists()


def test_signing_in_gives_a_new_session_key(client, applicant_user):
    client.get("/accounts/login/")
    session = client.session
    session["something"] = "before"
    session.save()
    before = session.session_key
    sign_in(client, applicant_user.username)
    assert client.session.session_key != before


def test_sign_out_everywhere_ends_every_session_of_the_account(applicant_user, clerk_user):
    phone, laptop, other = Client(), Client(), Client()
    sign_in(phone, applicant_user.username, HTTP_USER_AGENT="Phone")
    sign_in(laptop, applicant_user.username, HTTP_USER_AGENT="Laptop")
    sign_in(other, clerk_user.username)
    assert UserSession.objects.filter(user=applicant_user).count() == 2
    page = laptop.get(reverse("accounts:index"))
    assert "Phone" in page.content.decode() and "Laptop" in page.content.decode()
    response = laptop.post(reverse("accounts:sign_out_everywhere"))
    assert response.status_code == 302
    for client in (phone, laptop):
        assert client.get("/app/workbench/").status_code == 302
    assert other.get("/app/workbench/").status_code == 200
    assert not UserSession.objects.filter(user=applicant_user).exists()
    assert AuditEvent.objects.filter(action="auth.signed_out_everywhere", data__sessions=2).exists()


def test_sign_out_everywhere_is_post_only(client, applicant_user):
    sign_in(client, applicant_user.username)
    assert client.get(reverse("accounts:sign_out_everywhere")).status_code == 405


def test_signing_out_forgets_the_session(client, applicant_user):
    sign_in(client, applicant_user.username)
    client.post("/accounts/logout/")
    assert not UserSession.objects.filter(user=applicant_user).exists()
