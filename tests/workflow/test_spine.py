"""The task spine: every flow's steps declared once, one to-do list for every kind of work, and every
assignment told to the person concerned."""

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from cases.applications import services as apply
from cases.inspections import services as inspection_services
from cases.models import DrawSeat
from cases.supervision.services import cases as supervision
from tests.factories import OrganisationFactory, UserFactory
from tests.registry.helpers import make_filing
from tests.supervision.steps import to_findings, to_inspecting
from tests.workflow.conftest import submit
from workflow import roles
from workflow.flows.filing import FilingFlow
from workflow.flows.supervision import SupervisionFlow
from workflow.models import Notification, NotificationKind, TaskDeadline, WorkItem
from workflow.selectors import inbox_for, overdue_for, queue_for
from workflow.steps import check_every_step_has_a_page, every_step
from workflow.tasks import TaskUnavailable, task_reassign

pytestmark = pytest.mark.django_db
K = NotificationKind


def _kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# Declared once


def test_every_human_step_of_every_flow_has_its_page():
    assert check_every_step_has_a_page() == []
    names = {(step.flow_class.__name__, step.name) for step in every_step()}
    assert ("SupervisionFlow", "verify") in names and ("ResultBatchFlow", "review") in names


def test_a_step_can_only_be_taken_by_the_permission_its_declaration_names(client, draft, applicant, approver, clerk):
    submit(draft, applicant)
    draft.refresh_from_db()
    review = Task.objects.get(process_id=draft.process_id, flow_task=FilingFlow.review)
    assert review.owner_permission == FilingFlow.review._owner_permission == "cases.review_filingapplication"
    client.force_login(approver)  # reads every case, but the review names the clerk's permission
    response = client.post(reverse("tasks:claim", args=[review.pk]), follow=True)
    assert "您的角色不能办理该任务。" in [str(m) for m in response.context["messages"]]
    review.refresh_from_db()
    assert review.status == "NEW"


def test_a_step_with_an_assignee_is_not_reassigned_by_hand(draft, applicant, clerk, chief, inspectors):
    submit(draft, applicant)
    apply.application_accept(application=draft, actor=clerk)
    inspection_services.inspection_plan(application=draft, actor=chief, planned_date=timezone.localdate())
    draft.refresh_from_db()
    leader_task = Task.objects.get(process_id=draft.process_id, flow_task=FilingFlow.site_inspection)
    with pytest.raises(TaskUnavailable, match="撤换该人员"):  # release the seat to draw a replacement
        task_reassign(task_id=leader_task.pk, actor=chief, to_user=inspectors[1])


# One to-do list


def test_the_applicant_sees_the_supplement_in_their_inbox_and_finishes_it_by_resubmitting(
    draft, applicant, clerk, organisation
):
    colleague = UserFactory(username="t-applicant-2", roles=[roles.APPLICANT])
    organisation.members.add(colleague)
    submit(draft, applicant)
    apply.application_return(application=draft, actor=clerk, deficiencies=["营业执照不清晰"])
    for member in (applicant, colleague):
        [item] = inbox_for(user=member)
        assert item.kind == WorkItem.Kind.FILING and item.step == "supplement" and item.for_body
        assert item.url == reverse("applications:detail", args=[draft.pk])
    assert not queue_for(user=clerk).exists()  # the case waits for the applicant, not in any queue
    submit(draft, colleague)
    assert not inbox_for(user=applicant).exists()
    done = WorkItem.objects.get(step="supplement")
    assert not done.is_open and done.finished_by == colleague
    assert [item.step for item in inbox_for(user=clerk)] == ["review"]  # back to the clerk who returned it


def test_drawn_people_see_their_seats_to_confirm_and_are_told(draft, applicant, clerk, chief, inspectors):
    submit(draft, applicant)
    apply.application_accept(application=draft, actor=clerk)
    inspection_services.inspection_plan(application=draft, actor=chief, planned_date=timezone.localdate())
    for person in inspectors:
        seats = [item for item in inbox_for(user=person) if item.kind == WorkItem.Kind.SEAT]
        assert len(seats) == 1 and seats[0].step == "seat_inspection_team"
        assert K.SEAT_DRAWN in _kinds(person)
    seat = DrawSeat.objects.get(user=inspectors[1])
    from cases.draws.services import seat_confirm

    seat_confirm(seat=seat, actor=inspectors[1], statement="本人与申请单位无利害关系")
    assert not [item for item in inbox_for(user=inspectors[1]) if item.kind == WorkItem.Kind.SEAT]
    assert WorkItem.objects.get(key=f"seat:{seat.pk}").finished_by == inspectors[1]


def test_a_decline_tells_the_chief_who_was_drawn_instead(draft, applicant, clerk, chief, inspectors):
    UserFactory(username="t-inspector-spare", roles=[roles.INSPECTOR])  # someone to draw instead
    submit(draft, applicant)
    apply.application_accept(application=draft, actor=clerk)
    inspection_services.inspection_plan(application=draft, actor=chief, planned_date=timezone.localdate())
    seat = DrawSeat.objects.filter(role=DrawSeat.Role.MEMBER).select_related("user").first()
    from cases.draws.services import seat_decline

    seat_decline(seat=seat, actor=seat.user, reason="出差")
    notice = Notification.objects.get(recipient=chief, kind=K.SEAT_DECLINED)
    newcomer = DrawSeat.objects.exclude(pk=seat.pk).get(draw__replaces=seat).user
    assert notice.data["replacement"] == (newcomer.get_full_name() or newcomer.username)
    assert K.SEAT_DRAWN in _kinds(newcomer)


def test_a_supervision_case_is_in_the_supervisors_queue_with_a_due_date_and_tells_the_body(
    supervisor, applicant, organisation, occupation
):
    filing = make_filing(organisation=organisation, occupations=[occupation])
    case = supervision.case_open(filing=filing, trigger="other", summary="专项检查", actor=supervisor)
    [item] = queue_for(user=supervisor)
    assert item.kind == WorkItem.Kind.SUPERVISION and item.subject == case.number
    deadline = TaskDeadline.objects.get(task=item.task)
    assert deadline.step == "supervision_plan" and item.due_on == deadline.due_on > timezone.localdate()
    assert K.SUPERVISION_OPENED in _kinds(applicant)


def test_the_supervision_team_is_told_and_the_leader_gets_the_task(supervisor, applicant, organisation, occupation):
    filing = make_filing(organisation=organisation, occupations=[occupation])
    team = [UserFactory(username=f"t-sup-{n}", roles=[roles.INSPECTOR]) for n in range(2)]
    case = supervision.case_open(filing=filing, trigger="other", summary="专项检查", actor=supervisor)
    to_inspecting(case, supervisor, team)
    assert _kinds(team[0]) == [K.TASK_ASSIGNED]
    assert _kinds(team[1]) == [K.TEAM_ASSIGNED]
    [leader_item] = inbox_for(user=team[0])
    assert leader_item.step == SupervisionFlow.inspect.name and leader_item.owner == team[0]


def test_the_rectification_answer_waits_for_the_body_until_the_orders_deadline(
    supervisor, applicant, organisation, occupation
):
    filing = make_filing(organisation=organisation, occupations=[occupation])
    team = [UserFactory(username=f"t-sup-{n}", roles=[roles.INSPECTOR]) for n in range(2)]
    case = supervision.case_open(filing=filing, trigger="other", summary="专项检查", actor=supervisor)
    to_findings(case, supervisor, team)
    supervision.case_decide(case=case, actor=supervisor, decision="rectify", items=["补充考评员"], working_days=10)
    order = case.orders.get()
    [item] = inbox_for(user=applicant)
    assert item.step == "respond" and item.for_body and item.due_on == order.deadline
    assert item.url == reverse("body:case", args=[case.pk])


def test_the_chiefs_overdue_list_holds_every_kind_of_work(
    supervisor, chief, applicant, draft, organisation, occupation
):
    submit(draft, applicant)
    filing = make_filing(organisation=OrganisationFactory(), occupations=[occupation])
    supervision.case_open(filing=filing, trigger="other", summary="专项检查", actor=supervisor)
    today = timezone.localdate()
    WorkItem.objects.update(due_on=today.replace(year=today.year - 1))
    assert {item.kind for item in overdue_for(today=today)} == {WorkItem.Kind.FILING, WorkItem.Kind.SUPERVISION}


# The pages


@pytest.mark.parametrize("size", [2, 8])
def test_the_lists_of_mixed_work_keep_their_query_count(
    client, django_assert_max_num_queries, size, supervisor, organisation, occupation
):
    for n in range(size):
        filing = make_filing(organisation=OrganisationFactory(), occupations=[occupation])
        supervision.case_open(filing=filing, trigger="other", summary=f"检查{n}", actor=supervisor)
    client.force_login(supervisor)
    for name in ("tasks:queue", "tasks:inbox", "tasks:archive", "workbench:index"):
        with django_assert_max_num_queries(16):
            response = client.get(reverse(name))
        assert response.status_code == 200
    assert response.context["queue"].total == size


def test_the_lists_page_by_key_without_counting(client, supervisor, organisation, occupation):
    for n in range(30):
        filing = make_filing(organisation=OrganisationFactory(), occupations=[occupation])
        supervision.case_open(filing=filing, trigger="other", summary=f"检查{n}", actor=supervisor)
    client.force_login(supervisor)
    first = client.get(reverse("tasks:queue"))
    assert len(first.context["page"].rows) == 25 and first.context["page"].next_cursor
    second = client.get(reverse("tasks:queue"), {"after": first.context["page"].next_cursor})
    shown = [item.pk for item in first.context["page"]] + [item.pk for item in second.context["page"]]
    assert len(second.context["page"].rows) == 5 and not second.context["page"].next_cursor
    assert len(set(shown)) == 30
    assert client.get(reverse("tasks:queue"), {"after": "not-a-cursor"}).status_code == 200


def test_old_task_addresses_lead_to_the_one_task_page(client, supervisor, organisation, occupation):
    filing = make_filing(organisation=organisation, occupations=[occupation])
    case = supervision.case_open(filing=filing, trigger="other", summary="专项检查", actor=supervisor)
    task = Task.objects.get(process_id=case.process_id, flow_task=SupervisionFlow.plan)
    client.force_login(supervisor)
    response = client.get(reverse("supervision:task", args=[task.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("tasks:detail", args=[task.pk])
    assert client.get(reverse("supervision:queue"))["Location"] == reverse("tasks:queue") + "?kind=supervision"
    assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 200
