"""Fuzzing: hypothesis drives every public query parameter and every form of the public and the applicant's
pages (found by reading the pages' own <form> elements) with hostile text; no answer may be a 5xx."""

from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# Text an attacker sends: control and format characters, NUL, lone surrogates' replacements, SQL and HTML,
# numbers far beyond any column, very long strings.
HOSTILE = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.sampled_from(
        [
            "\x00",
            "\u202e",
            "9" * 30,
            str(2**63),
            "-1",
            "0",
            "1e309",
            "NaN",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "../../etc/passwd",
            "%00",
            "２０２６",
            "",
            " " * 5000,
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _assert_no_5xx(response, where):
    assert response.status_code < 500, f"{where}: {response.status_code}"


# Public query parameters

PUBLIC_QUERIES = {
    "/directory/": ["q", "district", "category", "occupation", "status", "page"],
    "/directory/export.csv": ["q", "district", "category", "occupation", "status"],
    "/directory/export.xlsx": ["q", "district", "category", "occupation", "status"],
    "/directory/campaigns/": ["page"],
    "/verify/": ["number", "name"],
    "/verify/document/": ["number", "code", "sha256", "q", "page"],
    "/accounts/login/": ["next"],
    "/": ["next", "page"],
}


@pytest.fixture(autouse=True)
def _no_limits(settings):
    cache.clear()
    settings.VERIFY_RATE_LIMIT = 1_000_000
    settings.AXES_ENABLED = False  # the fuzzer would lock itself out; lockouts have their own tests
    settings.TWO_FACTOR_REQUIRED = False


@pytest.mark.parametrize("path", list(PUBLIC_QUERIES))
@FUZZ
@given(data=st.data())
def test_public_query_parameters_never_give_a_5xx(client, path, data):
    params = {name: data.draw(HOSTILE, label=name) for name in PUBLIC_QUERIES[path] if data.draw(st.booleans())}
    response = client.get(path, params)
    _assert_no_5xx(response, f"GET {path} {params!r}")
    if response.streaming:
        b"".join(response.streaming_content)


# Forms: every <form method="post"> of the page, with its own field names


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self._current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": {}, "files": []}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            if attrs.get("type") == "file":
                self._current["files"].append(attrs["name"])
            else:
                self._current["fields"][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def forms_of(client, path):
    parser = _Forms()
    parser.feed(client.get(path, follow=True).content.decode())
    # Buttons without fields (submit, withdraw, delete, sign out) take no input to fuzz.
    return [
        form
        for form in parser.forms
        if form["action"] not in ("/accounts/logout/", "/i18n/setlang/")
        and (form["files"] or set(form["fields"]) - {"csrfmiddlewaretoken", "next"})
    ]


def _fuzz_forms(client, page, data):
    forms = forms_of(client, page)
    assert forms, f"no form found on {page}"
    form = data.draw(st.sampled_from(forms), label="form")
    values = {}
    for name, default in form["fields"].items():
        if name == "csrfmiddlewaretoken":
            continue
        values[name] = data.draw(st.one_of(st.just(default), HOSTILE), label=name)
    for name in form["files"]:
        content = data.draw(st.binary(max_size=2000), label=name)
        from django.core.files.uploadedfile import SimpleUploadedFile

        file_name = data.draw(HOSTILE, label=f"{name} name") or "x"
        values[name] = SimpleUploadedFile(file_name[:200] + ".pdf", content, content_type="application/pdf")
    action = form["action"] or page
    response = client.post(action, values)
    _assert_no_5xx(response, f"POST {action} {sorted(values)!r}")


PUBLIC_PAGES = ["/verify/", "/verify/document/", "/accounts/login/"]


@pytest.mark.parametrize("page", PUBLIC_PAGES)
@FUZZ
@given(data=st.data())
def test_public_forms_never_give_a_5xx(page, data, db):
    _fuzz_forms(Client(), page, data)


@FUZZ
@given(data=st.data())
def test_every_form_of_the_applicants_case_page_never_gives_a_5xx(client, applicant, draft, data):
    client.force_login(applicant)
    # Each example starts from the same draft: a row one example adds would give the next one more forms to
    # draw from, which hypothesis refuses as an inconsistent strategy.
    with transaction.atomic():
        _fuzz_forms(client, reverse("applications:detail", args=[draft.pk]), data)
        transaction.set_rollback(True)


@pytest.mark.parametrize("page", ["/accounts/password/", "/app/workbench/notifications/settings/"])
@FUZZ
@given(data=st.data())
def test_the_applicants_other_forms_never_give_a_5xx(client, applicant, page, data):
    client.force_login(applicant)
    _fuzz_forms(client, page, data)
