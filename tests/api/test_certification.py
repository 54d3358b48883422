"""Plans, result batches and certificates through the API: the same services, checks and access as the UI."""

import pytest
from django.test import TestCase

from audits.models import AuditEvent
from cases.certificates.services import batches as batch_services
from cases.models import AssessmentPlan, BatchState, Certificate, ResultBatch, RosterMember
from tests.api.conftest import key_client, make_key
from tests.certificates.conftest import good_rows, id_number, make_plan

pytestmark = pytest.mark.django_db


def _json_rows(rows):
    keys = [
        "name",
        "id_number",
        "occupation_code",
        "level",
        "theory_score",
        "practical_score",
        "review_score",
        "result",
    ]
    return [dict(zip(keys, row, strict=True)) for row in rows]


def _post(client, url, data=None, **extra):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {}, format="json", **extra)


def test_a_plan_is_created_from_the_filing_ids_the_api_lists(body_api, filing):
    listed = body_api.get("/api/v1/filings/").json()["results"][0]
    examiner = next(m for m in listed["roster"] if m["role"] == RosterMember.Role.EXAMINER)
    supervisor = next(m for m in listed["roster"] if m["role"] == RosterMember.Role.SUPERVISOR)
    response = _post(
        body_api,
        "/api/v1/plans/",
        {
            "scope": listed["scope"][0]["id"],
            "level": 4,
            "assessment_date": filing.valid_from.isoformat(),
            "venue": listed["venues"][0]["id"],
            "expected_candidates": 10,
            "examiners": [examiner["id"]],
            "internal_supervisor": supervisor["id"],
        },
    )
    assert response.status_code == 400  # the date is in the past: the service says so
    assert "past" in response.json()["detail"]


def test_a_batch_with_one_bad_row_names_the_row_then_imports_when_fixed(body_api, filing, applicant, reviewer):
    plan = make_plan(filing, applicant, level=4)
    created = _post(body_api, "/api/v1/batches/", {"plan": plan.pk})
    assert created.status_code == 201, created.json()
    batch_id = created.json()["id"]
    rows = _json_rows(good_rows(5))
    good_id = rows[2]["id_number"]
    rows[2]["id_number"] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")

    started = _post(body_api, f"/api/v1/batches/{batch_id}/rows/", {"rows": rows})
    assert started.status_code == 202
    report = body_api.get(f"/api/v1/batches/{batch_id}/imports/{started.json()['id']}/").json()
    assert report["status"] == "failed" and report["finished"]
    assert [(p["row"], p["column"], p["name"]) for p in report["problems"]] == [(3, "id_number", "学员2")]
    assert "check digit" in report["problems"][0]["message"]
    assert ResultBatch.objects.get(pk=batch_id).candidate_count == 0

    rows[2]["id_number"] = good_id
    fixed = _post(body_api, f"/api/v1/batches/{batch_id}/rows/", {"rows": rows})
    report = body_api.get(f"/api/v1/batches/{batch_id}/imports/{fixed.json()['id']}/").json()
    assert report["status"] == "done" and report["imported_rows"] == 5 and report["problems"] == []

    submitted = _post(body_api, f"/api/v1/batches/{batch_id}/submit/")
    assert submitted.status_code == 200 and submitted.json()["state"] == BatchState.SUBMITTED
    batch_services.result_batch_approve(batch=ResultBatch.objects.get(pk=batch_id), actor=reviewer)

    listed = body_api.get("/api/v1/certificates/", {"batch": batch_id}).json()["results"]
    assert len(listed) == 5 and {c["status"] for c in listed} == {"valid"}
    pdf = body_api.get(f"/api/v1/certificates/{listed[0]['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="document.downloaded", object_id=str(listed[0]["id"])).exists()


def test_a_results_file_goes_through_the_same_import(body_api, filing, applicant):
    from tests.certificates.conftest import results_csv

    plan = make_plan(filing, applicant, level=4)
    batch = batch_services.result_batch_create(plan=plan, actor=applicant)
    upload = __import__("io").BytesIO(results_csv(good_rows(3)))
    upload.name = "results.csv"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = body_api.post(f"/api/v1/batches/{batch.pk}/file/", {"file": upload}, format="multipart")
    assert response.status_code == 202
    batch.refresh_from_db()
    assert batch.candidate_count == 3


def test_rows_that_are_not_objects_are_refused_before_any_import(body_api, filing, applicant):
    plan = make_plan(filing, applicant, level=4)
    batch = batch_services.result_batch_create(plan=plan, actor=applicant)
    for rows in ([], ["张三"], [{"name": ["a"]}], "rows"):
        response = _post(body_api, f"/api/v1/batches/{batch.pk}/rows/", {"rows": rows})
        assert response.status_code == 400, rows
        assert response.json()["code"] == "validation_error"
    assert not batch.imports.exists()


def test_a_retried_post_with_the_same_idempotency_key_creates_once(body_api, filing, applicant):
    plan = make_plan(filing, applicant, level=4)
    first = _post(body_api, "/api/v1/batches/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="batch-7-try")
    again = _post(body_api, "/api/v1/batches/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="batch-7-try")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert ResultBatch.objects.filter(plan=plan).count() == 1
    other = _post(body_api, "/api/v1/batches/", {"plan": plan.pk + 1}, HTTP_IDEMPOTENCY_KEY="batch-7-try")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_mismatch"
    # without the key the service itself refuses a second batch for the plan
    assert _post(body_api, "/api/v1/batches/", {"plan": plan.pk}).status_code == 400


def test_a_failed_request_leaves_its_idempotency_key_free(body_api, filing, applicant):
    plan = make_plan(filing, applicant, level=4, day=filing.valid_until)  # in the future: not held yet
    refused = _post(body_api, "/api/v1/batches/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="k1")
    assert refused.status_code == 400
    AssessmentPlan.objects.filter(pk=plan.pk).update(assessment_date=filing.valid_from)
    assert _post(body_api, "/api/v1/batches/", {"plan": plan.pk}, HTTP_IDEMPOTENCY_KEY="k1").status_code == 201


def test_another_organisation_key_never_sees_or_touches_the_batch(filing, applicant, other_body):
    plan = make_plan(filing, applicant, level=4)
    batch = batch_services.result_batch_create(plan=plan, actor=applicant)
    organisation, user = other_body
    _key, raw = make_key(organisation=organisation, actor=user)
    other = key_client(raw)
    assert other.get(f"/api/v1/batches/{batch.pk}/").status_code == 404
    assert other.get("/api/v1/batches/").json()["results"] == []
    assert other.get(f"/api/v1/plans/{plan.pk}/").status_code == 404
    assert _post(other, f"/api/v1/batches/{batch.pk}/rows/", {"rows": _json_rows(good_rows(1))}).status_code == 404
    assert _post(other, f"/api/v1/batches/{batch.pk}/submit/").status_code == 404
    assert _post(other, "/api/v1/batches/", {"plan": plan.pk}).status_code == 404
    assert other.get("/api/v1/filings/").json()["results"] == []


def test_a_read_only_key_cannot_submit(filing, applicant, organisation):
    plan = make_plan(filing, applicant, level=4)
    _key, raw = make_key(organisation=organisation, actor=applicant, scopes=["read"])
    reader = key_client(raw)
    assert reader.get(f"/api/v1/plans/{plan.pk}/").status_code == 200
    response = _post(reader, "/api/v1/batches/", {"plan": plan.pk})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_a_regulator_key_reads_every_batch_but_cannot_act_for_the_body(regulator_api, filing, applicant):
    plan = make_plan(filing, applicant, level=4)
    batch = batch_services.result_batch_create(plan=plan, actor=applicant)
    assert regulator_api.get(f"/api/v1/batches/{batch.pk}/").json()["number"] == batch.number
    assert _post(regulator_api, f"/api/v1/batches/{batch.pk}/submit/").status_code == 403  # no submit scope


def test_a_ten_thousand_row_batch_posted_as_json_imports_in_under_ten_seconds(body_api, filing, applicant):
    import time

    plan = make_plan(filing, applicant, level=4, expected=10_000)
    batch = batch_services.result_batch_create(plan=plan, actor=applicant)
    rows = _json_rows(good_rows(10_000))
    started = time.perf_counter()
    response = _post(body_api, f"/api/v1/batches/{batch.pk}/rows/", {"rows": rows})
    elapsed = time.perf_counter() - started
    assert response.status_code == 202
    batch.refresh_from_db()
    assert batch.candidate_count == 10_000
    assert elapsed < 10, f"{elapsed:.1f} s"
    assert id_number(9_999)[-4:] in batch.candidates.get(line=10_000).id_masked
    assert not Certificate.objects.exists()
