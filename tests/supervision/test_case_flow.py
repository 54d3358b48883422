"""Every transition of a supervision case: the allowed case, the wrong state and the wrong role."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from viewflow.workflow.models import Task

from audits.models import AuditEvent
from cases.models import CaseState as C
from cases.models import Filing, GeneratedDocument, RectificationOrder, SupervisionCase
from cases.registry import services as registry
from cases.supervision.services import cases as supervision
from tests.supervision import steps
from workflow.calendar import add_working_days
from workflow.selectors import inbox_for, queue_for
from workflow.tasks import TaskUnavailable

pytestmark = pytest.mark.django_db


def _open_steps(case):
    return sorted(
        t.flow_task.name for t in Task.objects.filter(process_id=case.process_id, status__in=["NEW", "ASSIGNED"])
    )


def _docs(case, kind):
    return GeneratedDocument.objects.filter(kind=kind, object_id=str(case.pk))


# Opening


def test_opening_a_case_starts_the_flow_with_a_plan_task_in_the_supervisor_queue(case, supervisor, clerk):
    assert case.state == C.OPENED and case.number
    assert _open_steps(case) == ["plan"]
    assert [item.task.process.artifact for item in queue_for(user=supervisor, kind="supervision")] == [case]
    assert not queue_for(user=clerk, kind="supervision").exists()


def test_only_a_supervisor_opens_cases(filing, clerk):
    with pytest.raises(PermissionDenied):
        supervision.case_open(filing=filing, trigger="other", summary="x", actor=clerk)


def test_no_case_for_a_revoked_body(filing, supervisor):
    registry.filing_revoke(filing=filing, actor=supervisor, reason="严重违规")
    with pytest.raises(ValidationError, match=timezone.localdate().isoformat()):
        supervision.case_open(filing=filing, trigger="other", summary="x", actor=supervisor)


def test_complaint_opens_a_case(filing, supervisor):
    complaint = supervision.complaint_record(
        filing=filing,
        actor=supervisor,
        source="hotline",
        content="考核现场无人监考",
        received_on=timezone.localdate(),
        complainant="匿名",
    )
    assert complaint.case.trigger == "complaint" and "考核现场无人监考" in complaint.case.summary


def test_complaint_needs_content_and_a_past_date(filing, supervisor):
    with pytest.raises(ValidationError):
        supervision.complaint_record(
            filing=filing, actor=supervisor, source="hotline", content=" ", received_on=timezone.localdate()
        )
    with pytest.raises(ValidationError):
        supervision.complaint_record(
            filing=filing,
            actor=supervisor,
            source="hotline",
            content="x",
            received_on=timezone.localdate() + timedelta(days=1),
        )
    assert not SupervisionCase.objects.exists()


# Planning the inspection


def test_plan_assigns_the_inspection_to_the_leader(case, supervisor, inspectors):
    case = steps.to_inspecting(case, supervisor, inspectors)
    assert case.state == C.INSPECTING and case.leader == inspectors[0]
    assert set(case.inspectors.all()) == set(inspectors[:2])
    assert [item.task.process.artifact for item in inbox_for(user=inspectors[0], kind="supervision")] == [case]
    assert not inbox_for(user=inspectors[1], kind="supervision").exists()


def test_plan_twice_is_refused(case, supervisor, inspectors):
    steps.to_inspecting(case, supervisor, inspectors)
    with pytest.raises(TaskUnavailable):
        steps.to_inspecting(case, supervisor, inspectors)


def test_plan_by_the_wrong_role_is_refused(case, clerk, inspectors):
    with pytest.raises(TaskUnavailable):
        steps.to_inspecting(case, clerk, inspectors)


def test_plan_needs_two_inspectors_none_from_the_body_and_a_future_date(case, supervisor, inspectors, applicant):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        supervision.case_plan_inspection(case=case, actor=supervisor, inspection_date=today, leader=inspectors[0])
    with pytest.raises(ValidationError):
        supervision.case_plan_inspection(
            case=case,
            actor=supervisor,
            inspection_date=today - timedelta(days=1),
            leader=inspectors[0],
            members=[inspectors[1]],
        )
    case.filing.organisation.members.add(inspectors[1])
    with pytest.raises(ValidationError):
        supervision.case_plan_inspection(
            case=case, actor=supervisor, inspection_date=today, leader=inspectors[0], members=[inspectors[1]]
        )
    with pytest.raises(ValidationError):  # not an inspector
        supervision.case_plan_inspection(
            case=case, actor=supervisor, inspection_date=today, leader=inspectors[0], members=[applicant]
        )


def test_a_supervisor_of_the_body_may_not_act(case, supervisor, inspectors):
    case.filing.organisation.members.add(supervisor)
    with pytest.raises(PermissionDenied):
        steps.to_inspecting(case, supervisor, inspectors)


def test_dismiss_closes_without_inspection(case, supervisor):
    supervision.case_dismiss(case=case, actor=supervisor, reason="投诉与事实不符")
    case.refresh_from_db()
    assert (case.state, case.outcome) == (C.CLOSED, "dismissed")
    assert _open_steps(case) == []


def test_dismiss_needs_a_reason(case, supervisor):
    with pytest.raises(ValidationError):
        supervision.case_dismiss(case=case, actor=supervisor, reason="")


# Findings


def test_leader_records_findings_and_the_decision_goes_to_the_supervisors(case, supervisor, inspectors):
    case = steps.to_findings(case, supervisor, inspectors)
    assert case.state == C.FINDINGS and case.findings == ["考评员不足"]
    assert _open_steps(case) == ["decide"]


def test_only_the_leader_records_findings(case, supervisor, inspectors):
    steps.to_inspecting(case, supervisor, inspectors)
    for actor in (inspectors[1], supervisor):
        with pytest.raises(TaskUnavailable):
            supervision.case_record_findings(case=case, actor=actor, conclusion="no_problems")


def test_problems_must_be_listed(case, supervisor, inspectors):
    steps.to_inspecting(case, supervisor, inspectors)
    with pytest.raises(ValidationError):
        supervision.case_record_findings(case=case, actor=inspectors[0], conclusion="problems", findings=["", " "])


def test_findings_before_planning_is_refused(case, inspectors):
    with pytest.raises(TaskUnavailable):
        supervision.case_record_findings(case=case, actor=inspectors[0], conclusion="no_problems")


# Decision on the findings


def test_close_without_problems(case, supervisor, inspectors):
    steps.to_findings(case, supervisor, inspectors, problems=())
    case = supervision.case_decide(case=case, actor=supervisor, decision="close")
    assert (case.state, case.outcome) == (C.CLOSED, "no_action")


def test_closing_despite_problems_needs_a_reason(case, supervisor, inspectors):
    steps.to_findings(case, supervisor, inspectors)
    with pytest.raises(ValidationError):
        supervision.case_decide(case=case, actor=supervisor, decision="close")


def test_rectification_order_has_items_a_working_day_deadline_and_a_notice(
    case, supervisor, inspectors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the notice renders once the order commits
        case = steps.to_rectifying(case, supervisor, inspectors, days=10)
    order = case.orders.get()
    assert case.state == C.RECTIFYING
    assert order.deadline == add_working_days(timezone.localdate(), 10)
    assert [item.text for item in order.items.all()] == ["补充考评员", "完善档案"]
    notice = _docs(case, "rectification_notice").get()
    assert notice.title == "整改通知书"
    assert notice.number == f"京人社技监改字〔{timezone.localdate().year}〕第00001号"
    assert notice.file.read(5) == b"%PDF-"
    assert _open_steps(case) == ["respond"]


def test_rectification_order_notifies_the_bodys_members_once(case, supervisor, inspectors, applicant):
    from workflow.models import Notification

    case = steps.to_rectifying(case, supervisor, inspectors, days=10)
    notes = Notification.objects.filter(recipient=applicant, kind="rectification_ordered")
    assert notes.count() == 1
    assert f"/cases/{case.pk}/" in notes.get().url


@pytest.mark.parametrize("items, days", [([], 10), (["补充考评员"], 0), (["补充考评员"], 61), (["补充考评员"], None)])
def test_rectification_order_needs_items_and_a_sensible_period(case, supervisor, inspectors, items, days):
    steps.to_findings(case, supervisor, inspectors)
    with pytest.raises(ValidationError):
        supervision.case_decide(case=case, actor=supervisor, decision="rectify", items=items, working_days=days)


def test_decide_by_the_wrong_role_is_refused(case, supervisor, inspectors, clerk):
    steps.to_findings(case, supervisor, inspectors)
    for actor in (clerk, inspectors[0]):
        with pytest.raises(TaskUnavailable):
            supervision.case_decide(case=case, actor=actor, decision="close", note="x")


# The body's response


def test_the_body_responds_with_evidence_and_verification_follows(case, supervisor, inspectors, applicant):
    case = steps.to_verifying(case, supervisor, inspectors, applicant)
    order = case.orders.get()
    assert case.state == C.VERIFYING and order.status == "responded"
    assert order.evidence.get().sha256
    assert [item.answer for item in order.items.all()] == ["已完成：补充考评员", "已完成：完善档案"]
    assert _open_steps(case) == ["verify"]
    assert AuditEvent.objects.filter(action="supervision.respond", actor=applicant).exists()


def test_another_organisation_cannot_respond(case, supervisor, inspectors, outsider):
    steps.to_rectifying(case, supervisor, inspectors)
    with pytest.raises(PermissionDenied):
        steps.respond(case, outsider)


def test_a_response_after_the_deadline_is_refused_with_the_date(case, supervisor, inspectors, applicant):
    steps.to_rectifying(case, supervisor, inspectors)
    order = case.orders.get()
    answers = {item.pk: "已完成" for item in order.items.all()}
    with pytest.raises(ValidationError) as error:
        supervision.rectification_respond(
            order=order,
            actor=applicant,
            answers=answers,
            files=[steps.evidence()],
            today=order.deadline + timedelta(days=1),
        )
    assert order.deadline.isoformat() in error.value.messages[0]
    order.refresh_from_db()
    assert order.status == "pending"


def test_a_second_response_is_refused(case, supervisor, inspectors, applicant):
    steps.to_verifying(case, supervisor, inspectors, applicant)
    order = case.orders.get()
    with pytest.raises(ValidationError):
        supervision.rectification_respond(
            order=order, actor=applicant, answers={i.pk: "x" for i in order.items.all()}, files=[steps.evidence()]
        )


def test_every_item_needs_an_answer_and_evidence_must_be_a_pdf_or_image(case, supervisor, inspectors, applicant):
    steps.to_rectifying(case, supervisor, inspectors)
    order = case.orders.get()
    first, second = order.items.all()
    with pytest.raises(ValidationError, match="2"):
        supervision.rectification_respond(
            order=order, actor=applicant, answers={first.pk: "done"}, files=[steps.evidence()]
        )
    answers = {first.pk: "a", second.pk: "b"}
    with pytest.raises(ValidationError):
        supervision.rectification_respond(order=order, actor=applicant, answers=answers, files=[])
    fake = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        supervision.rectification_respond(order=order, actor=applicant, answers=answers, files=[fake])
    order.refresh_from_db()
    assert order.status == "pending" and not order.evidence.exists()


def test_lapse_after_the_deadline_sends_the_case_to_verification(case, supervisor, inspectors):
    steps.to_rectifying(case, supervisor, inspectors)
    order = case.orders.get()
    with pytest.raises(ValidationError):
        supervision.rectification_lapse(order=order, today=order.deadline)
    supervision.rectification_lapse(order=order, today=order.deadline + timedelta(days=1))
    case.refresh_from_db()
    order.refresh_from_db()
    assert (case.state, order.status) == (C.VERIFYING, "lapsed")
    assert _open_steps(case) == ["verify"]
    with translation.override("en"), pytest.raises(ValidationError, match="deadline"):
        supervision.rectification_verify(case=case, actor=supervisor, decision="accept")


# Verification


def test_accepting_the_rectification_closes_the_case(case, supervisor, inspectors, applicant):
    steps.to_verifying(case, supervisor, inspectors, applicant)
    case = supervision.rectification_verify(case=case, actor=supervisor, decision="accept", note="核查属实")
    assert (case.state, case.outcome) == (C.CLOSED, "rectified")
    assert case.orders.get().status == "accepted"


def test_ordering_again_opens_a_second_round(case, supervisor, inspectors, applicant):
    steps.to_verifying(case, supervisor, inspectors, applicant)
    case = supervision.rectification_verify(
        case=case, actor=supervisor, decision="reorder", note="档案仍不完整", items=["完善档案"], working_days=5
    )
    assert case.state == C.RECTIFYING
    assert list(case.orders.values_list("round", "status")) == [(1, "rejected"), (2, "pending")]
    assert _docs(case, "rectification_notice").count() == 2
    assert _open_steps(case) == ["respond"]


def test_verify_by_the_wrong_role_or_in_the_wrong_state(case, supervisor, inspectors, applicant, clerk):
    steps.to_rectifying(case, supervisor, inspectors)
    with pytest.raises(TaskUnavailable):  # nothing to verify yet
        supervision.rectification_verify(case=case, actor=supervisor, decision="accept")
    steps.respond(case, applicant)
    with pytest.raises(TaskUnavailable):
        supervision.rectification_verify(case=case, actor=clerk, decision="accept")


# Sanctions


def test_suspending_one_occupation(case, supervisor, inspectors, filing, django_capture_on_commit_callbacks):
    steps.to_sanctioning(case, supervisor, inspectors)
    welder = filing.scope.order_by("occupation__code").first()
    with django_capture_on_commit_callbacks(execute=True):
        case = supervision.case_sanction(
            case=case, actor=supervisor, measure="suspend_scope", reasons="焊工考核不规范", scopes=[welder]
        )
    welder.refresh_from_db()
    filing.refresh_from_db()
    assert welder.suspended and filing.status == Filing.Status.ACTIVE
    assert (case.state, case.outcome) == (C.CLOSED, "sanctioned")
    assert case.sanction_decision.measure == "suspend_scope"
    assert filing.status_changes.get().supervision_case == case
    decision = _docs(case, "sanction_decision").get()
    assert decision.title == "处理决定书" and decision.number.startswith("京人社技监处字")
    assert decision.file.read(5) == b"%PDF-"


def test_suspending_the_body(case, supervisor, inspectors, filing):
    steps.to_sanctioning(case, supervisor, inspectors)
    supervision.case_sanction(case=case, actor=supervisor, measure="suspend_body", reasons="多项违规")
    filing.refresh_from_db()
    assert filing.status == Filing.Status.SUSPENDED


def test_revoking_bans_re_filing_for_two_years(case, supervisor, inspectors, filing):
    steps.to_sanctioning(case, supervisor, inspectors)
    case = supervision.case_sanction(case=case, actor=supervisor, measure="revoke", reasons="出具虚假证书")
    filing.refresh_from_db()
    today = timezone.localdate()
    assert filing.status == Filing.Status.REVOKED
    assert case.sanction_decision.banned_until == filing.banned_until == today.replace(year=today.year + 2)


def test_a_sanction_on_an_already_revoked_body_gives_a_clear_message(case, supervisor, inspectors, filing):
    steps.to_sanctioning(case, supervisor, inspectors)
    registry.filing_revoke(filing=filing, actor=supervisor, reason="另案撤销")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        supervision.case_sanction(case=case, actor=supervisor, measure="suspend_body", reasons="多项违规")
    assert "already revoked" in error.value.messages[0]
    case.refresh_from_db()
    assert case.state == C.SANCTIONING and not hasattr(case, "sanction_decision")
    # The way out: close without a further sanction, saying why.
    case = supervision.case_sanction(case=case, actor=supervisor, measure="none", reasons="已另案撤销备案")
    assert (case.state, case.outcome) == (C.CLOSED, "no_action")


def test_sanction_needs_reasons_and_occupations(case, supervisor, inspectors):
    steps.to_sanctioning(case, supervisor, inspectors)
    with pytest.raises(ValidationError):
        supervision.case_sanction(case=case, actor=supervisor, measure="revoke", reasons="")
    with pytest.raises(ValidationError):
        supervision.case_sanction(case=case, actor=supervisor, measure="suspend_scope", reasons="x", scopes=[])


def test_sanction_by_the_wrong_role(case, supervisor, inspectors, clerk, approver):
    steps.to_sanctioning(case, supervisor, inspectors)
    for actor in (clerk, approver, inspectors[0]):
        with pytest.raises(TaskUnavailable):
            supervision.case_sanction(case=case, actor=actor, measure="revoke", reasons="x")


def test_sanction_from_verification_after_a_lapsed_order(case, supervisor, inspectors, filing):
    steps.to_rectifying(case, supervisor, inspectors)
    order = case.orders.get()
    supervision.rectification_lapse(order=order, today=order.deadline + timedelta(days=1))
    supervision.rectification_verify(case=case, actor=supervisor, decision="sanction", note="逾期未整改")
    case = supervision.case_sanction(case=case, actor=supervisor, measure="suspend_body", reasons="逾期未整改")
    assert case.state == C.CLOSED
    assert RectificationOrder.objects.get().status == "lapsed"
