"""Signing in and out through the real login form, for every demo user."""

import re

import pytest
from playwright.sync_api import expect

from cases.common.demo import DEMO_USERS, seed_demo
from tests.e2e.conftest import login


@pytest.fixture
def demo_users(page):
    # After `page` so that the serialized rollback has restored the role groups and districts.
    seed_demo()


@pytest.mark.parametrize("username", list(DEMO_USERS))
def test_demo_user_lands_on_their_start_page(page, live_server, demo_users, username):
    role, surname, given_name = DEMO_USERS[username]
    login(page, live_server, username)

    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/app/"))
    # Checked by parts: the order of surname and given name is the template's business, and the
    # surrounding words may or may not be translated yet.
    greeting = page.locator("h1").filter(has_text=surname).filter(has_text=given_name)
    expect(greeting).to_be_visible()
    expect(page.locator(f'[data-role="{role}"]')).to_be_visible()

    # Log out through the drawer: the header arrow swaps the app menu for the user menu.
    page.click(".vf-page__menu-toggle-button")
    logout = page.locator('form[action$="/accounts/logout/"] button[type=submit]')
    with page.expect_navigation():
        logout.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{live_server.url}/app/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


def test_wrong_password_shows_an_error_and_stays_on_the_login_page(page, live_server, demo_users):
    login(page, live_server, "demo-clerk", password="not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator(".form-errors[role=alert]")).to_be_visible()
    expect(page.locator("#id_username")).to_have_value("demo-clerk")


def test_login_page_is_chinese_by_default(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("登录")


def test_language_selector_switches_the_login_page_to_english(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")

    with page.expect_navigation():
        page.select_option("select[name=language]", "en")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.locator("form.form button[type=submit]")).to_have_text("Log in")
