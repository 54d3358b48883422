"""Browser tests: a live Django server driven by the system Chromium through Playwright's sync API."""

import os
import re
import weakref
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from cases.common.demo import DEMO_PASSWORD

# Playwright's sync API runs an event loop in the test thread; the ORM calls made from that
# thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# The machine has no internet: without the background-networking switches Chromium waits on
# update and sync requests that never answer.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # The page fixture reads this in its teardown to decide whether to keep a screenshot.
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; `make test` installs it (apt package chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Once Playwright's sync API runs, this thread counts as async to asgiref, and Django hands
    # out new connection objects. Carry over the migrated rows (role groups, districts) that
    # setup_databases serialized on the old ones, or serialized rollback restores nothing.
    serialized = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all(initialized_only=True)
        if hasattr(connection, "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(request, browser, live_server, django_db_serialized_rollback):
    # live_server flushes the database after every test; serialized rollback brings back the
    # rows the migrations create (role groups, districts) so that each test starts complete.
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    reports = [getattr(request.node, f"rep_{when}", None) for when in ("setup", "call")]
    if any(report is not None and report.failed for report in reports):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def login(page, live_server, username, password=DEMO_PASSWORD):
    """Sign in through the real login form and wait for the page it leads to."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")


class Questions:
    """A page's confirmation questions (confirm-step.js, data-confirm), each answered "yes".

    Headless Chromium has now and then closed a question itself before Playwright could answer it ("No dialog is
    showing"; seen under load, not reproduced at will): confirm() then returned false and the form sent nothing.
    Such questions are counted, for go() to press again.
    """

    def __init__(self, page):
        self.asked: list[str] = []
        self.closed = 0
        page.on("dialog", self._answer)
        _QUESTIONS[page] = self

    def _answer(self, dialog) -> None:
        self.asked.append(dialog.message)
        try:
            dialog.accept()
        except PlaywrightError as error:
            if "No dialog is showing" not in str(error):
                raise
            self.closed += 1


_QUESTIONS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def answer_yes(page) -> Questions:
    """Answer "yes" to every confirmation the page asks; returns the record of the questions."""
    return Questions(page)


def go(page, selector, *, tap=False, timeout=10_000):
    """Press what leads to another page (clicked, or tapped on a phone) and wait for that page.

    Pressed once more only when the browser closed the press's confirmation unanswered (see Questions): the form
    sent nothing then, so the second press cannot do the step twice.
    """
    press = page.tap if tap else page.click
    questions = _QUESTIONS.get(page)
    closed = questions.closed if questions else 0
    try:
        with page.expect_navigation(timeout=timeout):
            press(selector)
    except PlaywrightTimeoutError:
        if questions is None or questions.closed == closed:
            raise
        with page.expect_navigation(timeout=timeout):
            press(selector)
