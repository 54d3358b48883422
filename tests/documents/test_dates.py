"""Documents never contradict their own dates: every document type is issued by the step that issues it, rendered
after that step commits, read back with pdftotext, and every date printed in it is one of the case's own.

Each check compares the set of dates found in the PDF with the set the case holds, so a date taken from the
wrong field (or from the day of rendering) fails as much as a missing one. Where a case would have the same day
everywhere, the stored dates are moved back first (as if the submission had come in earlier), so that fields
cannot pass for each other.
"""

import random
import re
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cases.applications import services as apply
from cases.applications.simulation import complete_draft, seats_confirm_all, uniform_points
from cases.assessments import services as assessments
from cases.inspections import services as inspection_services
from cases.models import Certificate, FilingApplication, GeneratedDocument, SupervisionCase
from cases.supervision.services import cases as supervision
from tests.documents.conftest import pdf_text, stored_bytes
from tests.inspections.fixtures import make_experts, make_inspectors
from workflow.flows.filing import FilingFlow
from workflow.models import TaskDeadline

pytestmark = pytest.mark.django_db
K = GeneratedDocument.Kind
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def dates_in(document: GeneratedDocument) -> set[date]:
    return {date(int(y), int(m), int(d)) for y, m, d in DATE.findall(pdf_text(stored_bytes(document)))}


def day(value) -> date:
    """The local calendar day of a date or an aware datetime, as the documents print it (Asia/Shanghai)."""
    return timezone.localdate(value) if hasattr(value, "hour") else value


def cn(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def issued(capture, kind, target, action) -> GeneratedDocument:
    """Run a step; its document is numbered in the step's transaction but rendered only after the commit."""
    content_type = ContentType.objects.get_for_model(target)
    documents = GeneratedDocument.objects.filter(kind=kind, content_type=content_type, object_id=str(target.pk))
    before = set(documents.values_list("pk", flat=True))
    with capture(execute=True):
        action()
        document = documents.exclude(pk__in=before).get()
        assert document.number and not document.is_rendered and not document.file, kind
    document.refresh_from_db()
    assert document.is_rendered, kind
    return document


def submitted_back(application, days: int) -> FilingApplication:
    """The submission came in `days` ago (dates that would otherwise all be today become distinct)."""
    FilingApplication.objects.filter(pk=application.pk).update(submitted_at=timezone.now() - timedelta(days=days))
    application.refresh_from_db()
    return application


@pytest.fixture
def draft(applicant, organisation, occupation):
    return complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=random.Random(5))


def test_the_filing_flow_documents_print_the_cases_dates(
    draft, applicant, clerk, chief, approver, django_capture_on_commit_callbacks
):
    capture, today = django_capture_on_commit_callbacks, timezone.localdate()
    make_inspectors(3)
    experts = make_experts(3)

    # Submission receipt: the moment the bureau received it, to the minute.
    receipt = issued(
        capture, K.SUBMISSION_RECEIPT, draft, lambda: apply.application_submit(application=draft, actor=applicant)
    )
    draft.refresh_from_db()
    received = timezone.localtime(draft.submitted_at)
    assert dates_in(receipt) == {received.date()}
    assert f"{cn(received.date())}{received:%H:%M}" in pdf_text(stored_bytes(receipt))

    # Supplement notice: the submission, the supplement deadline (the supplement step's own due date), today.
    submitted_back(draft, 40)
    notice = issued(
        capture,
        K.SUPPLEMENT_NOTICE,
        draft,
        lambda: apply.application_return(application=draft, actor=clerk, deficiencies=["营业执照不清晰"]),
    )
    supplement_due = TaskDeadline.objects.get(
        task__process_id=draft.process_id, task__flow_task=FilingFlow.supplement
    ).due_on
    assert supplement_due > today
    assert dates_in(notice) == {day(draft.submitted_at), supplement_due, today}

    # The receipt of the resubmission.
    for deficiency in draft.deficiencies.filter(status="open"):
        apply.deficiency_answer(deficiency=deficiency, actor=applicant, reply="已重新上传")
    second = issued(
        capture, K.SUBMISSION_RECEIPT, draft, lambda: apply.application_submit(application=draft, actor=applicant)
    )
    draft.refresh_from_db()
    assert dates_in(second) == {day(draft.submitted_at)}

    # Acceptance notice: the (re)submission and the acceptance.
    submitted_back(draft, 20)
    acceptance = issued(
        capture, K.ACCEPTANCE_NOTICE, draft, lambda: apply.application_accept(application=draft, actor=clerk)
    )
    draft.refresh_from_db()
    assert dates_in(acceptance) == {day(draft.submitted_at), day(draft.accepted_at)}

    # Inspection report: planned in three days, visited today (recorded by the leader), signed today.
    planned = today + timedelta(days=3)
    inspection_services.inspection_plan(application=draft, actor=chief, planned_date=planned, seed="dates")
    seats_confirm_all(draft)
    inspection = draft.inspections.get()
    inspection_services.inspection_actual_date_record(
        inspection=inspection, actor=inspection.leader, actual_date=today, reason="企业申请提前"
    )
    results = {finding.code: ("pass", "") for finding in inspection.findings.all()}
    report = issued(
        capture,
        K.INSPECTION_REPORT,
        draft,
        lambda: inspection_services.inspection_record(
            application=draft, actor=inspection.leader, results=results, conclusion="meets"
        ),
    )
    inspection.refresh_from_db()
    assert (inspection.planned_date, inspection.actual_date) == (planned, today)
    assert dates_in(report) == {day(draft.submitted_at), planned, today, day(inspection.signed_at)}
    text = pdf_text(stored_bytes(report))
    assert f"考察日期{cn(today)}" in text and f"原定考察日期{cn(planned)}" in text

    # Assessment report: the submission and the day the last expert scored (the panel's result).
    assessments.expert_panel_draw(application=draft, actor=chief, seed="dates")
    seats_confirm_all(draft)
    panel = draft.panels.get()
    drawn = [score.expert for score in panel.scores.select_related("expert")]
    assert {expert.pk for expert in drawn} <= {expert.pk for expert in experts}
    for expert in drawn[:-1]:
        assessments.expert_score_submit(application=draft, actor=expert, points=uniform_points(draft, 80))
    assessment = issued(
        capture,
        K.ASSESSMENT_REPORT,
        draft,
        lambda: assessments.expert_score_submit(application=draft, actor=drawn[-1], points=uniform_points(draft, 80)),
    )
    last_score = max(score.submitted_at for score in panel.scores.all())
    assert dates_in(assessment) == {day(draft.submitted_at), day(last_score)}

    # Decision: the submission and the decision.
    decision = issued(
        capture,
        K.DECISION,
        draft,
        lambda: apply.application_decide(application=draft, actor=approver, decision="approve"),
    )
    draft.refresh_from_db()
    assert dates_in(decision) == {day(draft.submitted_at), day(draft.decided_at)}

    # Filing certificate: valid from the day of registration (the first day after the notice) until its end.
    opens = apply.registration_opens_on(draft)
    assert opens > today
    result = {}

    def register():
        result["filing"] = apply.application_register(application=draft, actor=approver, today=opens)

    with capture(execute=True):
        register()
    filing = result["filing"]
    certificate = GeneratedDocument.objects.get(kind=K.FILING_CERTIFICATE, object_id=str(filing.pk))
    assert certificate.is_rendered
    assert filing.valid_from == opens and filing.valid_until > opens
    assert dates_in(certificate) == {filing.valid_from, filing.valid_until}
    assert f"有效期：{cn(filing.valid_from)}至{cn(filing.valid_until)}" in pdf_text(stored_bytes(certificate))


def test_the_rejection_notice_prints_the_submission_and_its_own_day(
    draft, applicant, clerk, django_capture_on_commit_callbacks
):
    apply.application_submit(application=draft, actor=applicant)
    submitted_back(draft, 12)
    rejection = issued(
        django_capture_on_commit_callbacks,
        K.REJECTION_NOTICE,
        draft,
        lambda: apply.application_reject_ineligible(application=draft, actor=clerk, reasons="成立不满一年"),
    )
    assert dates_in(rejection) == {day(draft.submitted_at), timezone.localdate()}


@pytest.fixture
def supervised_case(filing, supervisor):
    return supervision.case_open(filing=filing, trigger="other", summary="专项检查", actor=supervisor)


def _inspected_today(case, supervisor, inspectors):
    """Planned for next week, visited today (recorded by the leader), problems found."""
    planned = timezone.localdate() + timedelta(days=7)
    supervision.case_plan_inspection(
        case=case, actor=supervisor, inspection_date=planned, leader=inspectors[0], members=[inspectors[1]]
    )
    supervision.case_actual_date_record(
        case=case, actor=inspectors[0], actual_date=timezone.localdate(), reason="临时安排"
    )
    supervision.case_record_findings(case=case, actor=inspectors[0], conclusion="problems", findings=["考评员不足"])
    return planned


def test_the_rectification_notice_prints_the_inspection_day_and_the_deadline(
    supervised_case, supervisor, django_capture_on_commit_callbacks
):
    case, today = supervised_case, timezone.localdate()
    planned = _inspected_today(case, supervisor, make_inspectors(2))
    notice = issued(
        django_capture_on_commit_callbacks,
        K.RECTIFICATION_NOTICE,
        case,
        lambda: supervision.case_decide(
            case=case, actor=supervisor, decision="rectify", items=["补充考评员"], working_days=10
        ),
    )
    order = case.orders.get()
    case = SupervisionCase.objects.get(pk=case.pk)
    assert case.inspected_on == today and order.deadline > today
    assert dates_in(notice) == {case.inspected_on, order.deadline, today}
    assert planned not in dates_in(notice)
    assert f"请于{cn(order.deadline)}前" in pdf_text(stored_bytes(notice))


def test_the_sanction_decision_prints_its_effective_day_and_the_ban(
    supervised_case, supervisor, django_capture_on_commit_callbacks
):
    case = supervised_case
    _inspected_today(case, supervisor, make_inspectors(2))
    supervision.case_decide(case=case, actor=supervisor, decision="sanction", note="情节严重")
    decision = issued(
        django_capture_on_commit_callbacks,
        K.SANCTION_DECISION,
        case,
        lambda: supervision.case_sanction(case=case, actor=supervisor, measure="revoke", reasons="出具虚假证书"),
    )
    sanction = SupervisionCase.objects.get(pk=case.pk).sanction_decision
    assert sanction.banned_until > sanction.effective_on
    assert dates_in(decision) == {sanction.effective_on, sanction.banned_until}


def test_the_skill_certificate_prints_its_day_of_issue(
    settings, media_root, filing, applicant, reviewer, django_capture_on_commit_callbacks
):
    from cases.certificates.services import batches
    from tests.certificates.conftest import good_rows, imported_batch, make_plan

    settings.BACKGROUND_JOBS = "inline"
    batch = imported_batch(make_plan(filing, applicant), applicant, good_rows(2))
    batches.result_batch_submit(batch=batch, actor=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        batches.result_batch_approve(batch=batch, actor=reviewer)
    for certificate in Certificate.objects.filter(batch=batch):
        document = GeneratedDocument.objects.get(kind=K.SKILL_CERTIFICATE, object_id=str(certificate.pk))
        assert dates_in(document) == {certificate.issued_on}
        assert f"发证日期{cn(certificate.issued_on)}" in pdf_text(stored_bytes(document))
