"""Response headers on every kind of page: CSP without inline scripts, Referrer-Policy, Permissions-Policy;
and no template carries an inline script or event handler the policy would block."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    "url", ["/", "/accounts/login/", "/directory/", "/verify/", "/app/workbench/", "/app/accounts/"]
)
def test_every_page_sends_the_policies(client, applicant, url):
    client.force_login(applicant)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("default-src", []) and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def _templates():
    return sorted(TEMPLATES.rglob("*.html"))


def test_no_template_has_an_inline_script():
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:json|ld\+json)\")[^>]*>", re.I)
    offenders = [str(path.relative_to(TEMPLATES)) for path in _templates() if inline.search(path.read_text("utf-8"))]
    assert offenders == []


def test_no_template_has_an_inline_event_handler_or_javascript_url():
    handler = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=|href=\"javascript:", re.I)
    offenders = [str(path.relative_to(TEMPLATES)) for path in _templates() if handler.search(path.read_text("utf-8"))]
    assert offenders == []
