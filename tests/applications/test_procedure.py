"""The procedure as the rules say it: the public notice and its objections, the supplement loop, closed case files."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audits.models import AuditEvent
from cases.applications import changes
from cases.applications import services as apply
from cases.applications.simulation import TINY_PDF
from cases.models import ApplicationState as S
from cases.models import Attachment, Deficiency, DrawSeat, NoticeObjection, Venue
from tests.applications.test_filing_flow import _to_deciding
from tests.factories import UserFactory
from workflow import roles
from workflow.flows.filing import FilingFlow
from workflow.models import TaskDeadline

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def _pdf(name="new.pdf"):
    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


@pytest.fixture
def on_notice(draft, applicant, clerk, chief, inspectors, experts, approver):
    application = _to_deciding(draft, applicant, clerk, chief, inspectors, experts)
    return apply.application_decide(application=application, actor=approver, decision="approve")


# The public notice


def test_registration_is_refused_on_the_last_notice_day_and_possible_the_next_working_day(on_notice, approver):
    with pytest.raises(ValidationError) as error:
        apply.application_register(application=on_notice, actor=approver, today=on_notice.notice_ends)
    assert f"runs until {on_notice.notice_ends.isoformat()}" in error.value.messages[0]
    opens = apply.registration_opens_on(on_notice)
    assert opens > on_notice.notice_ends
    assert f"from {opens.isoformat()}" in error.value.messages[0]
    apply.application_register(application=on_notice, actor=approver, today=opens)
    on_notice.refresh_from_db()
    assert on_notice.state == S.FILED


def test_the_notice_task_is_due_after_the_period_not_on_its_last_day(on_notice):
    task = Task.objects.get(process_id=on_notice.process_id, flow_task=FilingFlow.notice)
    due = TaskDeadline.objects.get(task=task).due_on
    assert due == apply.registration_opens_on(on_notice) and due > on_notice.notice_ends
    assert task.work.due_on == due


def test_anyone_objects_online_during_the_notice_and_registration_waits_for_the_resolution(on_notice, approver):
    objection = apply.objection_submit(
        application=on_notice,
        raised_by="张三",
        contact="13800000000",
        content="场地与申报不符",
        evidence=_pdf("evidence.pdf"),
        today=on_notice.notice_starts,
    )
    assert objection.source == NoticeObjection.Source.ONLINE and objection.recorded_by is None
    assert objection.evidence_sha256 and objection.evidence_name == "evidence.pdf"
    opens = apply.registration_opens_on(on_notice)
    with pytest.raises(ValidationError) as error:
        apply.application_register(application=on_notice, actor=approver, today=opens)
    assert "1 objection is still open" in error.value.messages[0]
    with pytest.raises(ValidationError):  # a resolution needs its reasons
        apply.objection_resolve(objection=objection, actor=approver, resolution="  ")
    apply.objection_resolve(objection=objection, actor=approver, resolution="经现场核实，场地符合要求")
    objection.refresh_from_db()
    assert objection.resolved_by == approver
    apply.application_register(application=on_notice, actor=approver, today=opens)


def test_online_objections_are_refused_outside_the_notice_and_without_grounds(on_notice):
    with pytest.raises(ValidationError, match="not open for objections"):
        apply.objection_submit(
            application=on_notice,
            raised_by="张三",
            contact="x",
            content="理由",
            today=on_notice.notice_ends + timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="grounds"):
        apply.objection_submit(application=on_notice, raised_by="张三", contact="x", content=" ", today=None)


def test_evidence_is_checked_by_content(on_notice):
    fake = SimpleUploadedFile("evidence.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with pytest.raises(ValidationError):
        apply.objection_submit(application=on_notice, raised_by="张三", contact="x", content="理由", evidence=fake)


def test_only_the_approver_records_and_resolves_objections(on_notice, clerk, chief, approver):
    for role_user in (clerk, chief):
        with pytest.raises(PermissionDenied):
            apply.objection_record(application=on_notice, actor=role_user, raised_by="公众", content="异议")
    objection = apply.objection_record(application=on_notice, actor=approver, raised_by="公众", content="异议")
    with pytest.raises(PermissionDenied):
        apply.objection_resolve(objection=objection, actor=chief, resolution="已处理")


def test_the_public_notice_page_lists_the_body_and_takes_an_objection(client, on_notice, settings):
    settings.OBJECTION_RATE_LIMIT = 1
    page = client.get(reverse("notices:index")).content.decode()
    assert on_notice.organisation.name in page and on_notice.organisation.credit_code in page
    url = reverse("notices:detail", args=[on_notice.number])
    data = {"raised_by": "李四", "contact": "li@example.cn", "content": "考评员资质存疑"}
    response = client.post(url, {**data, "evidence": _pdf()})
    assert response.status_code == 302
    assert on_notice.objections.get().resolved_at is None
    again = client.post(url, data)
    assert again.status_code == 429 and on_notice.objections.count() == 1
    assert client.post(url, {"raised_by": "", "contact": "", "content": ""}).status_code == 400
    assert client.get(reverse("notices:detail", args=["no-such-number"])).status_code == 404


def test_past_notices_stay_listed_with_their_outcome(client, on_notice, approver):
    filing = apply.application_register(
        application=on_notice, actor=approver, today=apply.registration_opens_on(on_notice)
    )
    from django.utils import timezone

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *a: apply.registration_opens_on(on_notice))
        page = client.get(reverse("notices:index")).content.decode()
        detail = client.get(reverse("notices:detail", args=[on_notice.number])).content.decode()
    assert filing.number in page and 'data-testid="objection-form"' not in detail


# The supplement loop


@pytest.fixture
def returned(draft, applicant, clerk):
    apply.application_submit(application=draft, actor=applicant)
    return apply.application_return(
        application=draft,
        actor=clerk,
        deficiencies=[
            {"text": "营业执照：不清晰", "item": "attachment:business_licence", "attachment_kind": "business_licence"},
            "考评员人数不足",
        ],
    )


def test_resubmission_needs_an_answer_to_every_deficiency(returned, applicant):
    with pytest.raises(ValidationError) as error:
        apply.application_submit(application=returned, actor=applicant)
    assert "Answer every deficiency before resubmitting" in " ".join(error.value.messages)
    licence, examiners = returned.deficiencies.order_by("id")
    with pytest.raises(ValidationError, match="asks for a new document"):
        apply.deficiency_answer(deficiency=licence, actor=applicant, reply="已重新上传")
    apply.deficiency_answer(deficiency=licence, actor=applicant, reply="已重新上传", uploaded=_pdf("licence.pdf"))
    with pytest.raises(ValidationError, match="examiners|考评员|not answered"):
        apply.application_submit(application=returned, actor=applicant)
    apply.deficiency_answer(deficiency=examiners, actor=applicant, reply="已增加一名考评员")
    apply.application_submit(application=returned, actor=applicant)
    returned.refresh_from_db()
    assert returned.state == S.SUBMITTED


def test_only_the_applicant_answers_and_only_while_returned(returned, applicant, clerk):
    deficiency = returned.deficiencies.first()
    with pytest.raises((PermissionDenied, Exception)):
        apply.deficiency_answer(deficiency=deficiency, actor=clerk, reply="x")
    with pytest.raises(ValidationError, match="Say what was done"):
        apply.deficiency_answer(deficiency=deficiency, actor=applicant, reply=" ")


def _answer_all(application, applicant):
    for deficiency in application.deficiencies.filter(status=Deficiency.Status.OPEN):
        upload = _pdf("licence-new.pdf") if deficiency.attachment_kind else None
        apply.deficiency_answer(deficiency=deficiency, actor=applicant, reply="已补正", uploaded=upload)


def test_the_resubmission_goes_back_to_the_clerk_who_returned_it(returned, applicant, clerk):
    _answer_all(returned, applicant)
    apply.application_submit(application=returned, actor=applicant)
    task = Task.objects.get(process_id=returned.process_id, flow_task=FilingFlow.review, status=STATUS.ASSIGNED)
    assert task.owner == clerk and task.work.owner == clerk
    returned.refresh_from_db()
    assert apply.resubmission_round(returned) == 1


def test_the_resubmission_goes_to_the_queue_when_the_clerk_lost_the_role(returned, applicant, clerk):
    clerk.groups.clear()
    _answer_all(returned, applicant)
    apply.application_submit(application=returned, actor=applicant)
    task = Task.objects.get(process_id=returned.process_id, flow_task=FilingFlow.review, status__in=["NEW", "ASSIGNED"])
    assert task.owner is None


def test_the_review_shows_what_changed_since_the_return(returned, applicant):
    venue = returned.venues.first()
    venue.workstations = 55
    apply.child_save(application=returned, actor=applicant, child=venue)
    apply.child_save(
        application=returned, actor=applicant, child=Venue(address="北京市海淀区新址2号", area_sqm=80, workstations=8)
    )
    _answer_all(returned, applicant)
    snapshot = returned.supplement_rounds.get(round=1).snapshot
    found = {(c.section, c.kind) for c in changes.changes_since(snapshot, returned)}
    assert ("venues", "changed") in found and ("venues", "added") in found
    assert ("attachments", "replaced") in found  # the licence answered with a new file
    assert Attachment.objects.filter(application=returned, kind="business_licence").count() == 1
    events = set(AuditEvent.objects.filter(object_id=str(returned.pk), public=True).values_list("action", flat=True))
    assert {"application.row_changed", "application.row_added", "application.attachment_removed"} <= events


def test_accepting_marks_the_answered_deficiencies_supplemented(returned, applicant, clerk):
    _answer_all(returned, applicant)
    apply.application_submit(application=returned, actor=applicant)
    apply.application_accept(application=returned, actor=clerk)
    assert set(returned.deficiencies.values_list("status", "resolved_round")) == {(Deficiency.Status.RESOLVED, 1)}


def test_a_second_return_raises_unresolved_items_again_and_resolves_the_others(returned, applicant, clerk):
    _answer_all(returned, applicant)
    apply.application_submit(application=returned, actor=applicant)
    licence, examiners = returned.deficiencies.order_by("id")
    apply.application_return(
        application=returned,
        actor=clerk,
        deficiencies=[{"text": examiners.text}],
        raise_again=[examiners.pk],
    )
    licence.refresh_from_db()
    examiners.refresh_from_db()
    assert licence.status == Deficiency.Status.RESOLVED and examiners.status == Deficiency.Status.RAISED_AGAIN
    assert list(returned.deficiencies.filter(round=2).values_list("status", flat=True)) == [Deficiency.Status.OPEN]
    assert returned.supplement_rounds.count() == 2


def test_the_clerks_checklist_produces_the_deficiencies(client, returned, applicant, clerk):
    from cases.applications.forms import ReviewForm

    _answer_all(returned, applicant)
    apply.application_submit(application=returned, actor=applicant)
    form = ReviewForm(
        {
            "outcome": "return",
            "check_venues": "wrong",
            "note_venues": "面积不足",
            "check_attachment:commitment": "missing",
        },
        application=returned,
    )
    assert form.is_valid(), form.errors
    texts = [entry["text"] for entry in form.deficiency_list()]
    assert any("面积不足" in text for text in texts) and len(texts) == 2
    commitment = next(entry for entry in form.deficiency_list() if entry["item"] == "attachment:commitment")
    assert commitment["attachment_kind"] == "commitment"
    refused = ReviewForm({"outcome": "accept", "check_venues": "wrong"}, application=returned)
    assert not refused.is_valid() and "outcome" in refused.errors


# Confidentiality of drawn people


def test_a_drawn_inspector_sees_the_case_only_after_confirming(client, draft, applicant, clerk, chief, inspectors):
    from django.utils import timezone

    from cases.draws.services import seat_confirm
    from cases.inspections import services as inspection_services

    apply.application_submit(application=draft, actor=applicant)
    apply.application_accept(application=draft, actor=clerk)
    inspection_services.inspection_plan(application=draft, actor=chief, planned_date=timezone.localdate())
    seat = DrawSeat.objects.filter(draw__application=draft).first()
    client.force_login(seat.user)
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404
    seats_page = client.get(reverse("assignments:index")).content.decode()
    assert draft.organisation.name in seats_page
    seat_confirm(seat=seat, actor=seat.user, statement="无利益冲突")
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 200


def test_an_outsider_inspector_never_sees_the_case(client, draft, applicant):
    apply.application_submit(application=draft, actor=applicant)
    client.force_login(UserFactory(username="t-other-inspector", roles=[roles.INSPECTOR]))
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404
