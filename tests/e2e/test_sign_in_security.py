"""In Chromium: the lockout message, enrolment of the second factor, the idle timeout, and pages that work
under the Content-Security-Policy (no violation reported, viewflow's own UI included)."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from cases.common.demo import seed_demo
from tests.e2e.conftest import login


@pytest.fixture
def demo_users(page):  # after `page`: the serialized rollback has restored the groups
    seed_demo()


@pytest.fixture
def csp_violations(page):
    seen = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    return seen


def test_the_login_page_says_when_signing_in_is_locked(page, live_server, demo_users, csp_violations):
    for _ in range(5):
        login(page, live_server, "demo-clerk", password="not-the-password")
    login(page, live_server, "demo-clerk")  # the right password, too late
    expect(page.locator('[data-testid="locked-out"]')).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert csp_violations == []


def test_a_regulator_enrols_the_second_factor_and_lands_on_the_workbench(
    page,
    live_server,
    demo_users,
    settings,
    csp_violations,
):
    settings.TWO_FACTOR_REQUIRED = True
    login(page, live_server, "demo-clerk")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    expect(page.locator('[data-testid="qr-code"] svg')).to_be_visible()
    secret = page.locator('[data-testid="totp-secret"]').inner_text().replace(" ", "")
    code = f"{TOTP(b32decode(secret)).token():06d}"
    page.fill("#id_token", code)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    expect(page.locator('[data-testid="recovery-codes"] li')).to_have_count(10)
    with page.expect_navigation():
        page.click("a.button--primary")
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/app/"))
    expect(page.locator('[data-role="clerk"]')).to_be_visible()
    assert csp_violations == []


def test_an_idle_session_ends_in_the_browser(page, live_server, demo_users, settings):
    settings.SESSION_IDLE_TIMEOUT = 2
    login(page, live_server, "demo-applicant")
    expect(page).to_have_url(re.compile(r"/app/"))
    time.sleep(3)
    page.goto(f"{live_server.url}/app/applications/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator("body")).to_contain_text(re.compile(r"(2|1) ?(分钟|minutes?)"))


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        ("demo-applicant", ["/app/workbench/", "/app/applications/", "/app/accounts/", "/directory/", "/verify/"]),
        ("demo-chief", ["/app/workbench/", "/app/tasks/", "/app/registry/", "/app/draws/", "/app/accounts/"]),
        ("demo-admin", ["/app/lockouts/", "/app/accounts/"]),
    ],
)
def test_pages_work_under_the_content_security_policy(
    page,
    live_server,
    demo_users,
    csp_violations,
    username,
    paths,
):
    login(page, live_server, username)
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status < 400, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    # viewflow's own UI still works: the drawer opens with the user menu (its scripts ran).
    page.goto(f"{live_server.url}/app/workbench/")
    page.click(".vf-page__menu-toggle-button")
    expect(page.locator('form[action$="/accounts/logout/"] button[type=submit]')).to_be_visible()
    assert csp_violations == []


def test_the_language_switcher_and_confirmations_work_without_inline_handlers(
    page,
    live_server,
    demo_users,
    csp_violations,
):
    login(page, live_server, "demo-applicant")
    page.goto(f"{live_server.url}/app/accounts/")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.on("dialog", lambda dialog: dialog.dismiss())  # "Sign out on every device?" -> no
    page.click('[data-testid="sign-out-everywhere"]')
    page.wait_for_timeout(300)
    expect(page).to_have_url(re.compile(r"/app/accounts/"))
    assert csp_violations == []
