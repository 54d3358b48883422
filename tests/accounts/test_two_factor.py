"""Two factors for regulators, the auditor and administrators: enrolment with a QR code and recovery codes,
the code at every sign-in, a rotated session, nothing reachable before it."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audits.models import AuditEvent
from cases.accounts.policy import two_factor_required
from tests.accounts.conftest import current_code, enrolled, make_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["clerk", "chief", "approver", "supervisor", "auditor", "admin"])
def test_regulators_the_auditor_and_the_admin_need_it(two_factor_on, role):
    assert two_factor_required(make_user(f"t-{role}-x", role))


@pytest.mark.parametrize("role", ["applicant", "inspector", "expert"])
def test_other_roles_do_not(two_factor_on, role):
    assert not two_factor_required(make_user(f"t-{role}-x", role))


def test_it_is_off_only_as_the_setting_says(settings, clerk_user):
    settings.TWO_FACTOR_REQUIRED = False
    assert not two_factor_required(clerk_user)


def test_first_sign_in_leads_to_enrolment_and_nothing_else_is_reachable(client, two_factor_on, clerk_user):
    assert sign_in(client, clerk_user.username).status_code == 302
    for url in ("/app/", "/app/registry/", "/admin/", reverse("accounts:index")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_enrol")), url
    page = client.get(reverse("two_factor_enrol"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and 'data-testid="totp-secret"' in body


def test_enrolment_confirms_with_a_code_gives_recovery_codes_and_rotates_the_session(client, two_factor_on, clerk_user):
    sign_in(client, clerk_user.username)
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=clerk_user, confirmed=False)
    assert client.post(reverse("two_factor_enrol"), {"token": "000000"}).status_code == 400
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()  # a failure makes the next try wait a second
    before = client.session.session_key
    response = client.post(reverse("two_factor_enrol"), {"token": current_code(device), "next": "/app/registry/"})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert client.session.session_key != before
    assert client.get("/app/workbench/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.two_factor_enrolled", actor=clerk_user).exists()


def test_later_sign_ins_ask_for_the_code(client, two_factor_on, clerk_user):
    device, _codes = enrolled(clerk_user)
    sign_in(client, clerk_user.username)
    response = client.get("/app/registry/")
    assert response["Location"].startswith(reverse("two_factor"))
    assert client.post(reverse("two_factor"), {"token": "123456"}).status_code == 400
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()  # a failure makes the next try wait a second
    before = client.session.session_key
    response = client.post(reverse("two_factor"), {"token": current_code(device), "next": "/app/registry/"})
    assert response.status_code == 302 and response["Location"] == "/app/registry/"
    assert client.session.session_key != before
    assert client.get("/app/registry/").status_code == 200


def test_a_recovery_code_works_once(client, two_factor_on, clerk_user):
    _device, codes = enrolled(clerk_user)
    sign_in(client, clerk_user.username)
    assert client.post(reverse("two_factor"), {"token": codes[0].upper()}).status_code == 302
    client.logout()
    sign_in(client, clerk_user.username)
    assert client.post(reverse("two_factor"), {"token": codes[0]}).status_code == 400
    assert AuditEvent.objects.filter(action="auth.recovery_code_used").count() == 1
    assert AuditEvent.objects.filter(action="auth.two_factor_failed").exists()


def test_a_next_url_elsewhere_is_ignored(client, two_factor_on, clerk_user):
    device, _codes = enrolled(clerk_user)
    sign_in(client, clerk_user.username)
    response = client.post(reverse("two_factor"), {"token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/app/"


def test_an_applicant_signs_in_with_the_password_only(client, two_factor_on, applicant_user):
    sign_in(client, applicant_user.username)
    assert client.get("/app/workbench/").status_code == 200


def test_new_recovery_codes_replace_the_old(client, two_factor_on, clerk_user):
    device, old = enrolled(clerk_user)
    sign_in(client, clerk_user.username)
    client.post(reverse("two_factor"), {"token": current_code(device)})
    response = client.post(reverse("accounts:recovery_codes"))
    new = response.context["codes"]
    assert set(new).isdisjoint(old)
    client.logout()
    sign_in(client, clerk_user.username)
    assert client.post(reverse("two_factor"), {"token": old[1]}).status_code == 400
    StaticDevice.objects.get(user=clerk_user).throttle_reset()  # a failure makes the next try wait a second
    assert client.post(reverse("two_factor"), {"token": new[1]}).status_code == 302


def test_the_demo_command_prints_devices_when_two_factor_is_on(two_factor_on, capsys):
    from django.core.management import call_command

    from cases.common.demo import seed_demo

    seed_demo()
    call_command("demo_two_factor")
    out = capsys.readouterr().out
    assert "demo-clerk" in out and "demo-applicant " not in out
    assert TOTPDevice.objects.filter(user__username="demo-admin", confirmed=True).count() == 1
    call_command("demo_two_factor")  # the same key on every run
    assert TOTPDevice.objects.filter(user__username="demo-admin").count() == 1


def test_the_demo_command_says_when_two_factor_is_off(settings, capsys, db):
    from django.core.management import call_command

    settings.TWO_FACTOR_REQUIRED = False
    call_command("demo_two_factor")
    assert "off" in capsys.readouterr().out


def test_the_banner_shows_while_two_factor_is_off(client, settings, db):
    settings.TWO_FACTOR_REQUIRED = False
    assert 'data-testid="two-factor-off"' in client.get("/accounts/login/").content.decode()
    settings.TWO_FACTOR_REQUIRED = True
    assert 'data-testid="two-factor-off"' not in client.get("/accounts/login/").content.decode()


def test_production_refuses_to_start_with_two_factor_off():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG"}}
    env.update(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="a.example", TWO_FACTOR_REQUIRED="0")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "TWO_FACTOR_REQUIRED" in result.stderr
