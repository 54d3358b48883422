"""Applications with their timeline, the registry with status history and statistics for regulators."""

from random import Random

import pytest

from cases.applications.simulation import complete_draft
from cases.registry.bulk import bulk_registry
from tests.api.conftest import key_client, make_key

pytestmark = pytest.mark.django_db


def test_the_body_reads_its_applications_and_their_applicant_timeline(body_api, filing):
    listed = body_api.get("/api/v1/applications/").json()["results"]
    assert [row["number"] for row in listed] == [filing.application.number]
    detail = body_api.get(f"/api/v1/applications/{filing.application.pk}/").json()
    assert detail["state"] == "filed" and detail["guidance"]
    assert all(event["action"] for event in detail["timeline"])


def test_another_organisation_never_sees_the_application(filing, other_body):
    organisation, user = other_body
    _key, raw = make_key(organisation=organisation, actor=user)
    api = key_client(raw)
    assert api.get(f"/api/v1/applications/{filing.application.pk}/").status_code == 404
    assert api.get("/api/v1/applications/").json()["results"] == []
    assert api.get(f"/api/v1/filings/{filing.pk}/").status_code == 404


def test_registry_and_statistics_need_a_regulator_key_with_the_registry_scope(body_api, regulator_api, filing):
    bulk_registry(count=5, run=7)
    entries = regulator_api.get("/api/v1/registry/", {"page_size": 100}).json()["results"]
    assert len(entries) == 6 and all("status_history" in entry and "stored_status" in entry for entry in entries)
    assert regulator_api.get(f"/api/v1/registry/{filing.pk}/").json()["number"] == filing.number
    statistics = regulator_api.get("/api/v1/statistics/certificates/").json()
    assert statistics["total"] == 0 and [chart["key"] for chart in statistics["charts"]][0] == "occupation"
    assert body_api.get("/api/v1/registry/").status_code == 403  # no registry scope
    assert body_api.get("/api/v1/statistics/certificates/").status_code == 403


def test_a_regulator_key_reads_every_application(regulator_api, filing, applicant, organisation, occupation):
    draft = complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=Random(5))
    numbers = {row["number"] for row in regulator_api.get("/api/v1/applications/").json()["results"]}
    assert {filing.application.number, draft.number} <= numbers
