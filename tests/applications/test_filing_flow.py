"""Every transition of the filing flow: the allowed case, the wrong state and the wrong role."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audits.models import AuditEvent
from cases.applications import services as apply
from cases.applications.simulation import seats_confirm_all, uniform_points
from cases.assessments import services as assessments
from cases.inspections import services as inspection_services
from cases.models import DEFAULT_CHECKLIST, Attachment, Filing, GeneratedDocument
from cases.models import ApplicationState as S
from workflow.flows.filing import FilingFlow
from workflow.tasks import TaskUnavailable

pytestmark = pytest.mark.django_db
PASS_ALL = {code: ("pass", "") for code, _text in DEFAULT_CHECKLIST}


def _open_steps(application):
    return sorted(
        t.flow_task.name for t in Task.objects.filter(process_id=application.process_id, status__in=["NEW", "ASSIGNED"])
    )


def _to_accepted(draft, applicant, clerk):
    apply.application_submit(application=draft, actor=applicant)
    return apply.application_accept(application=draft, actor=clerk)


def _plan(draft, chief):
    """The chief draws the team; everyone drawn confirms."""
    inspection_services.inspection_plan(application=draft, actor=chief, planned_date=timezone.localdate())
    seats_confirm_all(draft)
    return draft.inspections.first()


def _to_assessing(draft, applicant, clerk, chief, inspectors):
    _to_accepted(draft, applicant, clerk)
    inspection = _plan(draft, chief)
    return inspection_services.inspection_record(
        application=draft, actor=inspection.leader, results=PASS_ALL, conclusion="meets"
    )


def _to_scoring(draft, applicant, clerk, chief, inspectors):
    _to_assessing(draft, applicant, clerk, chief, inspectors)
    assessments.expert_panel_draw(application=draft, actor=chief)
    seats_confirm_all(draft)
    draft.refresh_from_db()
    return draft


def _score(application, expert, value):
    return assessments.expert_score_submit(
        application=application, actor=expert, points=uniform_points(application, value)
    )


def _to_deciding(draft, applicant, clerk, chief, inspectors, experts):
    _to_scoring(draft, applicant, clerk, chief, inspectors)
    for expert in experts:
        _score(draft, expert, 75)
    draft.refresh_from_db()
    return draft


def test_submit_starts_the_flow_with_a_review_task_in_the_clerks_queue(draft, applicant):
    application = apply.application_submit(application=draft, actor=applicant)
    assert application.state == S.SUBMITTED
    assert _open_steps(application) == ["review"]


def test_incomplete_draft_names_every_missing_item(applicant, organisation):
    application = apply.application_create(organisation=organisation, actor=applicant)
    with pytest.raises(ValidationError) as error:
        apply.application_submit(application=application, actor=applicant)
    messages = error.value.messages
    assert any("申报范围" in m or "Scope" in m for m in messages)
    assert len(messages) >= 4 + len(Attachment.REQUIRED) - 1
    application.refresh_from_db()
    assert application.state == S.DRAFT


def test_level_the_occupation_does_not_have_blocks_submission(draft, applicant, occupation):
    occupation.levels = [5, 4]
    occupation.save()
    item = draft.scope_items.get()
    item.levels = [1]
    item.save()
    problems = apply.application_problems(draft)
    assert any(occupation.name in p for p in problems)


def test_accept_issues_an_acceptance_notice_and_moves_to_planning(draft, applicant, clerk):
    application = _to_accepted(draft, applicant, clerk)
    assert application.state == S.ACCEPTED and application.accepted_by == clerk
    assert _open_steps(application) == ["plan_inspection"]
    assert GeneratedDocument.objects.filter(kind="acceptance_notice", object_id=str(application.pk)).exists()


def test_return_and_resubmit_goes_back_to_review(draft, applicant, clerk):
    apply.application_submit(application=draft, actor=applicant)
    application = apply.application_return(
        application=draft, actor=clerk, deficiencies=["营业执照不清晰", "缺少考评员证书"]
    )
    assert application.state == S.RETURNED
    assert list(application.deficiencies.values_list("text", flat=True)) == ["营业执照不清晰", "缺少考评员证书"]
    assert _open_steps(application) == ["supplement"]
    for deficiency in application.deficiencies.all():
        apply.deficiency_answer(deficiency=deficiency, actor=applicant, reply="已更换")
    apply.application_submit(application=application, actor=applicant)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert _open_steps(application) == ["review"]


def test_return_without_deficiencies_is_refused(draft, applicant, clerk):
    apply.application_submit(application=draft, actor=applicant)
    with pytest.raises(ValidationError):
        apply.application_return(application=draft, actor=clerk, deficiencies=["  "])


def test_reject_as_ineligible_ends_the_flow(draft, applicant, clerk):
    apply.application_submit(application=draft, actor=applicant)
    application = apply.application_reject_ineligible(application=draft, actor=clerk, reasons="不具备条件")
    assert application.state == S.REJECTED
    assert _open_steps(application) == []


def test_wrong_role_cannot_review(draft, applicant, chief):
    apply.application_submit(application=draft, actor=applicant)
    with pytest.raises(TaskUnavailable):
        apply.application_accept(application=draft, actor=chief)


def test_review_in_wrong_state_is_refused(draft, clerk):
    with pytest.raises(TaskUnavailable):
        apply.application_accept(application=draft, actor=clerk)


def test_member_of_the_applicant_cannot_act(draft, applicant, clerk):
    apply.application_submit(application=draft, actor=applicant)
    draft.organisation.members.add(clerk)
    with pytest.raises(PermissionDenied):
        apply.application_accept(application=draft, actor=clerk)


def test_inspection_needs_two_inspectors(draft, applicant, clerk, chief, inspectors):
    _to_accepted(draft, applicant, clerk)
    with pytest.raises(ValidationError):
        inspection_services.inspection_plan(
            application=draft, actor=chief, planned_date=timezone.localdate(), team_size=1
        )


def test_only_the_team_leader_records_the_inspection(draft, applicant, clerk, chief, inspectors):
    _to_accepted(draft, applicant, clerk)
    inspection = _plan(draft, chief)
    member = inspection.members.exclude(pk=inspection.leader_id).get()
    with pytest.raises(TaskUnavailable):
        inspection_services.inspection_record(application=draft, actor=member, results=PASS_ALL, conclusion="meets")


def test_inspection_opens_one_scoring_task_per_expert(draft, applicant, clerk, chief, inspectors, experts):
    application = _to_scoring(draft, applicant, clerk, chief, inspectors)
    assert application.state == S.ASSESSING
    owners = Task.objects.filter(process_id=application.process_id, flow_task=FilingFlow.score).values_list(
        "owner_id", flat=True
    )
    assert sorted(owners) == sorted(e.pk for e in experts)


def test_scores_are_blind_until_the_last_expert_submits(draft, applicant, clerk, chief, inspectors, experts):
    application = _to_scoring(draft, applicant, clerk, chief, inspectors)
    _score(application, experts[0], 70)
    _score(application, experts[1], 80)
    panel = application.panels.first()
    assert panel.result() is None
    application.refresh_from_db()
    assert application.state == S.ASSESSING
    _score(application, experts[2], 90)
    assert panel.result() == 80
    application.refresh_from_db()
    assert application.state == S.DECIDING and _open_steps(application) == ["decide"]


def test_clerk_who_accepted_cannot_decide(draft, applicant, clerk, chief, inspectors, experts, approver):
    application = _to_deciding(draft, applicant, clerk, chief, inspectors, experts)
    clerk.groups.add(*approver.groups.all())
    with pytest.raises(PermissionDenied):
        apply.application_decide(application=application, actor=clerk, decision="approve")


def test_send_back_to_inspection(draft, applicant, clerk, chief, inspectors, experts, approver):
    application = _to_deciding(draft, applicant, clerk, chief, inspectors, experts)
    application = apply.application_decide(
        application=application, actor=approver, decision="reinspect", reasons="补查"
    )
    assert application.state == S.INSPECTING
    assert _open_steps(application) == ["plan_inspection"]


def test_approve_notice_objection_and_registration(draft, applicant, clerk, chief, inspectors, experts, approver):
    application = _to_deciding(draft, applicant, clerk, chief, inspectors, experts)
    application = apply.application_decide(application=application, actor=approver, decision="approve")
    assert application.state == S.ON_NOTICE and application.notice_ends > application.notice_starts
    with pytest.raises(ValidationError):  # the notice is still running
        apply.application_register(application=application, actor=approver)
    objection = apply.objection_record(application=application, actor=approver, raised_by="公众", content="场地不足")
    after = apply.registration_opens_on(application)
    with pytest.raises(ValidationError):  # an open objection blocks registration
        apply.application_register(application=application, actor=approver, today=after)
    apply.objection_resolve(objection=objection, actor=approver, resolution="经核实场地符合要求")
    filing = apply.application_register(application=application, actor=approver, today=after)
    application.refresh_from_db()
    assert application.state == S.FILED and isinstance(filing, Filing)
    assert filing.scope.count() == application.scope_items.count()
    assert GeneratedDocument.objects.filter(kind="filing_certificate", object_id=str(filing.pk)).exists()
    assert _open_steps(application) == []


def test_reject_on_the_merits(draft, applicant, clerk, chief, inspectors, experts, approver):
    application = _to_deciding(draft, applicant, clerk, chief, inspectors, experts)
    with pytest.raises(ValidationError):
        apply.application_decide(application=application, actor=approver, decision="reject", reasons="")
    application = apply.application_decide(application=application, actor=approver, decision="reject", reasons="不合格")
    assert application.state == S.REJECTED


def test_a_completed_task_cannot_be_completed_again(draft, applicant, clerk):
    apply.application_submit(application=draft, actor=applicant)
    apply.application_accept(application=draft, actor=clerk)
    with pytest.raises(TaskUnavailable):
        apply.application_accept(application=draft, actor=clerk)
    draft.refresh_from_db()
    assert (
        Task.objects.filter(process_id=draft.process_id, flow_task=FilingFlow.review, status=STATUS.DONE).count() == 1
    )


def test_every_transition_is_in_the_audit_trail(draft, applicant, clerk):
    apply.application_submit(application=draft, actor=applicant)
    apply.application_accept(application=draft, actor=clerk)
    actions = list(
        AuditEvent.objects.filter(object_type="cases.filingapplication", object_id=str(draft.pk)).values_list(
            "action", "from_state", "to_state"
        )
    )
    assert ("application.submit", "draft", "submitted") in actions
    assert ("application.accept", "submitted", "accepted") in actions


def test_withdraw_cancels_the_open_review(draft, applicant):
    apply.application_submit(application=draft, actor=applicant)
    application = apply.application_withdraw(application=draft, actor=applicant)
    assert application.state == S.WITHDRAWN and _open_steps(application) == []


def test_application_cannot_be_edited_after_submission(draft, applicant):
    apply.application_submit(application=draft, actor=applicant)
    with pytest.raises(ValidationError):
        apply.application_update(application=draft, actor=applicant, target_populations=["students"])
