"""Rectification orders through the API: a body reads and answers its own; a regulator reads every case."""

import json

import pytest
from django.test import TestCase

from cases.applications.simulation import TINY_PDF
from cases.common.demo import OCCUPATIONS_SAMPLE
from cases.common.reference import occupations_import_csv
from cases.models import CaseState, Occupation, RectificationOrder
from cases.supervision.services import cases as supervision
from tests.api.conftest import key_client, make_key
from tests.factories import UserFactory
from tests.registry.helpers import make_filing
from tests.supervision.steps import to_inspecting, to_rectifying
from workflow import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervised(organisation, applicant, supervisor):
    occupations_import_csv(text=OCCUPATIONS_SAMPLE.read_text(encoding="utf-8"))
    occupations = list(Occupation.objects.filter(code__in=["6-18-02-04", "6-31-01-03"]))
    filing = make_filing(organisation=organisation, occupations=occupations)
    case = supervision.case_open(filing=filing, trigger="other", summary="专项检查", actor=supervisor)
    inspectors = [UserFactory(username=f"t-api-inspector-{n}", roles=[roles.INSPECTOR]) for n in range(2)]
    return case, inspectors


def _answer(api, order_pk, answers, files=True):
    data = {"answers": json.dumps(answers), "comment": "见附件"}
    if files:
        upload = __import__("io").BytesIO(TINY_PDF)
        upload.name = "整改报告.pdf"
        data["evidence"] = [upload]
    with TestCase.captureOnCommitCallbacks(execute=True):
        return api.post(f"/api/v1/rectification-orders/{order_pk}/answer/", data, format="multipart")


def test_a_case_not_yet_inspected_is_invisible_to_the_body(supervised, organisation, applicant, supervisor):
    case, inspectors = supervised
    to_inspecting(case, supervisor, inspectors)
    _key, raw = make_key(organisation=organisation, actor=applicant)
    assert key_client(raw).get("/api/v1/supervision-cases/").json()["results"] == []


def test_the_body_answers_every_item_with_evidence(supervised, organisation, applicant, supervisor, other_body):
    case, inspectors = supervised
    to_rectifying(case, supervisor, inspectors)
    order = RectificationOrder.objects.get(case=case)
    items = list(order.items.all())
    _key, raw = make_key(organisation=organisation, actor=applicant)
    api = key_client(raw)
    listed = api.get("/api/v1/rectification-orders/").json()["results"]
    assert [(o["id"], o["status"], len(o["items"])) for o in listed] == [(order.pk, "pending", 2)]

    other_org, other_user = other_body
    _other, other_raw = make_key(organisation=other_org, actor=other_user)
    assert key_client(other_raw).get(f"/api/v1/rectification-orders/{order.pk}/").status_code == 404
    assert _answer(key_client(other_raw), order.pk, {items[0].pk: "x"}).status_code == 404

    incomplete = _answer(api, order.pk, {items[0].pk: "已补充"})
    assert incomplete.status_code == 400 and incomplete.json()["fields"]["answers"]
    assert _answer(api, order.pk, {item.pk: "已完成" for item in items}, files=False).status_code == 400
    assert _answer(api, order.pk, "not an object").status_code == 400

    done = _answer(api, order.pk, {item.pk: f"已完成：{item.text}" for item in items})
    assert done.status_code == 200 and done.json()["status"] == "responded"
    case.refresh_from_db()
    assert case.state == CaseState.VERIFYING
    assert _answer(api, order.pk, {item.pk: "again" for item in items}).status_code == 400  # no longer open


def test_a_regulator_key_reads_every_case_for_reporting(supervised, regulator_api):
    case, _inspectors = supervised
    listed = regulator_api.get("/api/v1/supervision-cases/").json()["results"]
    assert [row["number"] for row in listed] == [case.number]
