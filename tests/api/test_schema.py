"""The OpenAPI schema: checked in and current, and the live API conforms to it (schemathesis)."""

from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import TestCase
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases.certificates.services import batches as batch_services
from tests.api.conftest import make_key
from tests.certificates.conftest import good_rows, imported_batch, make_plan

SCHEMA_FILE = Path(settings.BASE_DIR) / "api" / "openapi.yaml"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def current_schema() -> str:
    with translation.override("en"):
        generated = SchemaGenerator().get_schema(request=None, public=True)
        return OpenApiYamlRenderer().render(generated, renderer_context={}).decode("utf-8")


def test_the_checked_in_schema_is_current():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == current_schema(), "the API changed: run `make schema`"


def test_the_schema_and_its_documentation_pages_are_served_without_a_cdn(client):
    assert client.get("/api/schema/").status_code == 200
    for url in ("/api/docs/", "/api/redoc/"):
        html = client.get(url).content.decode()
        assert "drf_spectacular_sidecar" in html and "cdn" not in html.lower()


@pytest.fixture
def api_keys(db, filing, applicant, organisation, reviewer, regulator_key):
    """Data for the conformance run: a filed body with a registered batch, keys of both kinds."""
    plan = make_plan(filing, applicant, level=4)
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = imported_batch(plan, applicant, good_rows(3))
        batch_services.result_batch_submit(batch=batch, actor=applicant)
    batch_services.result_batch_approve(batch=batch, actor=reviewer)
    _key, body_raw = make_key(organisation=organisation, actor=applicant, rate_per_minute=100_000)
    return {"body": body_raw, "regulator": regulator_key[1]}


def _live_schema():
    """The schema as /api/schema/ serves it, fetched through the WSGI application (no database needed)."""
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/?lang=en", application)


schema = _live_schema()


@pytest.fixture
def _connections_kept():
    """The WSGI handler closes the database connection at the end of each request (request_finished); in a test,
    whose transaction never commits, that closes the test's own connection (harmless only with SQLite's in-memory
    database). Django's test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_endpoint_conforms_to_the_schema(case, api_keys, _connections_kept):
    path = case.operation.path
    raw = api_keys["regulator"] if path.startswith(("/api/v1/registry", "/api/v1/statistics")) else api_keys["body"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        case.call_and_validate(headers={"Authorization": f"Bearer {raw}"}, checks=CHECKS)
