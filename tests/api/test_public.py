"""Public endpoints: the registry at scale (constant queries), one body, campaigns, verification limits."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.certificates.selectors import verify_by_number
from cases.models import Filing
from cases.registry.bulk import bulk_registry

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), response.json()


def test_the_registry_list_runs_the_same_queries_at_25_and_at_2500_bodies(client):
    bulk_registry(count=25, run=1)
    small, first = _queries(client, "/api/v1/bodies/")
    bulk_registry(count=2475, run=2)
    large, page = _queries(client, "/api/v1/bodies/")
    assert small == large <= 3  # bodies, their scope; no COUNT
    assert len(page["results"]) == 25 and page["next"]
    following, second = _queries(client, page["next"])
    assert following == large
    numbers = [row["number"] for row in page["results"]] + [row["number"] for row in second["results"]]
    assert len(set(numbers)) == 50
    newest = Filing.objects.order_by("-pk").first()
    assert page["results"][0]["number"] == newest.number


def test_filters_are_those_of_the_directory_and_bad_values_are_400(client):
    bulk_registry(count=30, run=3)
    revoked = client.get("/api/v1/bodies/", {"status": "revoked", "page_size": 100}).json()["results"]
    assert revoked and {row["status"] for row in revoked} == {"revoked"}
    assert all(row["scope_today"] == [] for row in revoked)
    for bad in ({"occupation": "9" * 30}, {"status": "nope"}, {"category": "x"}, {"cursor": "zzz"}):
        response = client.get("/api/v1/bodies/", bad)
        assert response.status_code == 400 and response.json()["code"] == "validation_error", bad


def test_one_body_by_its_filing_number_with_its_history(client):
    filing = bulk_registry(count=3, run=4)[0]
    body = client.get(f"/api/v1/bodies/{filing.number}/").json()
    assert body["number"] == filing.number and "status_history" in body
    missing = client.get("/api/v1/bodies/京技备0/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/nothing/here/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_verification_gives_the_same_answers_as_the_page(client, settings):
    for number, name in (("Y00001100000126400001", "张三"), ("bad", "x")):
        answer = client.post("/api/v1/certificates/verify/", {"number": number, "name": name}, "application/json")
        assert answer.json() == {"status": verify_by_number(number=number, name=name)} == {"status": "not_found"}


def test_verification_shares_the_page_limit_per_address(client, settings):
    settings.VERIFY_RATE_LIMIT = 3
    data = {"number": "Y00001100000126400001", "name": "张三"}
    codes = [client.post("/api/v1/certificates/verify/", data, "application/json").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    limited = client.post("/api/v1/certificates/verify/", data, "application/json")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert client.post("/verify/", data).status_code == 429  # the page counts in the same window
