"""Inspection dates: findings are not signed before the inspection took place; the actual date needs a reason."""

import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.applications.simulation import seats_confirm_all
from cases.inspections import services as inspection_services
from cases.models import GeneratedDocument
from tests.inspections.fixtures import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned_later(accepted, chief, inspector_pool):
    inspection_services.inspection_plan(
        application=accepted, actor=chief, planned_date=timezone.localdate() + timedelta(days=3), seed="s"
    )
    seats_confirm_all(accepted)
    return accepted.inspections.first()


def test_findings_cannot_be_signed_before_the_planned_date(accepted, planned_later):
    with pytest.raises(ValidationError) as error:
        sign(accepted, planned_later)
    assert "cannot be signed before that day" in error.value.messages[0]


def test_the_leader_records_an_earlier_actual_date_with_a_reason_and_the_report_shows_it(
    accepted, planned_later, django_capture_on_commit_callbacks
):
    leader, today = planned_later.leader, timezone.localdate()
    with pytest.raises(ValidationError, match="reason"):
        inspection_services.inspection_actual_date_record(
            inspection=planned_later, actor=leader, actual_date=today, reason=""
        )
    with pytest.raises(ValidationError, match="future"):
        inspection_services.inspection_actual_date_record(
            inspection=planned_later, actor=leader, actual_date=today + timedelta(days=1), reason="提前"
        )
    member = planned_later.members.exclude(pk=leader.pk).first()
    with pytest.raises(PermissionDenied):
        inspection_services.inspection_actual_date_record(
            inspection=planned_later, actor=member, actual_date=today, reason="企业要求提前"
        )
    inspection_services.inspection_actual_date_record(
        inspection=planned_later, actor=leader, actual_date=today, reason="企业要求提前"
    )
    with django_capture_on_commit_callbacks(execute=True):
        sign(accepted, planned_later)
    planned_later.refresh_from_db()
    assert planned_later.actual_date == today and planned_later.inspection_date == today
    report = GeneratedDocument.objects.get(kind="inspection_report")
    text = pdf_text(report)
    planned = planned_later.planned_date
    assert f"考察日期{today.year}年{today.month}月{today.day}日" in text.replace(" ", "")
    assert f"原定考察日期{planned.year}年{planned.month}月{planned.day}日" in text.replace(" ", "")
    assert "企业要求提前" in text


def pdf_text(document) -> str:
    with document.file.open("rb") as stored:
        return subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=stored.read(), capture_output=True, check=True
        ).stdout.decode()


def test_supervision_findings_wait_for_the_inspection_day(supervision_case, supervisor, inspectors):
    from cases.supervision.services import cases as supervision

    supervision.case_plan_inspection(
        case=supervision_case,
        actor=supervisor,
        inspection_date=timezone.localdate() + timedelta(days=2),
        leader=inspectors[0],
        members=[inspectors[1]],
    )
    with pytest.raises(ValidationError, match="cannot be signed before that day"):
        supervision.case_record_findings(case=supervision_case, actor=inspectors[0], conclusion="no_problems")
    with pytest.raises(PermissionDenied):
        supervision.case_actual_date_record(
            case=supervision_case, actor=inspectors[1], actual_date=timezone.localdate(), reason="提前"
        )
    supervision.case_actual_date_record(
        case=supervision_case, actor=inspectors[0], actual_date=timezone.localdate(), reason="提前检查"
    )
    case = supervision.case_record_findings(case=supervision_case, actor=inspectors[0], conclusion="no_problems")
    assert case.inspected_on == timezone.localdate() and case.state == "findings"


@pytest.fixture
def supervision_case(db, supervisor, occupation):
    from cases.supervision.services import cases as supervision
    from tests.registry.helpers import make_filing

    filing = make_filing(occupations=[occupation])
    return supervision.case_open(filing=filing, trigger="other", summary="专项检查", actor=supervisor)


@pytest.fixture
def inspectors(db):
    from tests.inspections.fixtures import make_inspectors

    return make_inspectors(2, start=50)
