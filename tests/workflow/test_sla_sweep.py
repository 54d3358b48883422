"""The periodic SLA sweep: reminders, overdue marks and escalation to the chief, each exactly once."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audits.models import AuditEvent
from cases.applications import services as apply
from tests.factories import UserFactory
from tests.workflow.conftest import at
from workflow import jobs, roles
from workflow.flows.filing import FilingFlow
from workflow.models import Notification, NotificationKind, TaskDeadline
from workflow.sla import sla_sweep
from workflow.tasks import task_claim

pytestmark = pytest.mark.django_db
K = NotificationKind

# A week without holidays: due Wednesday 11 Mar 2026.
DUE = date(2026, 3, 11)


@pytest.fixture
def review(draft, applicant, clerk):
    """The submitted draft's review task, claimed by the clerk and due on DUE."""
    apply.application_submit(application=draft, actor=applicant)
    draft.refresh_from_db()
    task = Task.objects.get(process_id=draft.process_id, flow_task=FilingFlow.review)
    task_claim(task_id=task.pk, actor=clerk)
    TaskDeadline.objects.filter(task=task).update(started_on=date(2026, 3, 4), due_on=DUE)
    return Task.objects.select_related("deadline").get(pk=task.pk)


def _notifications(kind):
    return Notification.objects.filter(kind=kind)


def test_nothing_happens_well_before_the_due_date(review):
    result = sla_sweep(today=date(2026, 3, 5))
    assert (result.warned, result.overdue, result.escalated) == ([], [], [])
    assert not Notification.objects.exists()


def test_the_owner_is_reminded_once_the_working_day_before(review, clerk):
    sla_sweep(today=date(2026, 3, 10))
    sla_sweep(today=date(2026, 3, 10))
    sla_sweep(today=date(2026, 3, 11))
    reminders = _notifications(K.DEADLINE_APPROACHING)
    assert [n.recipient for n in reminders] == [clerk]
    assert reminders.get().data["due_on"] == DUE.isoformat()


def test_an_overdue_task_is_marked_and_its_owner_told_once(review, clerk, chief):
    first = sla_sweep(today=date(2026, 3, 12))
    second = sla_sweep(today=date(2026, 3, 12))
    assert first.overdue == [review.pk] and second.overdue == []
    deadline = TaskDeadline.objects.get(task=review)
    assert deadline.overdue_at is not None and deadline.warned_at is not None
    assert [n.recipient for n in _notifications(K.DEADLINE_OVERDUE)] == [clerk]
    assert not _notifications(K.DEADLINE_APPROACHING).exists()  # no reminder after the fact
    assert not _notifications(K.TASK_ESCALATED).exists()  # within the grace


def test_an_overdue_task_escalates_to_the_chiefs_exactly_once(review, clerk, chief, settings):
    settings.SLA_ESCALATION_GRACE_WORKING_DAYS = 2
    second_chief = UserFactory(username="t-chief-2", roles=[roles.CHIEF])
    assert sla_sweep(today=date(2026, 3, 13)).escalated == []  # 2 working days late: still within the grace
    result = sla_sweep(today=date(2026, 3, 16))  # Monday: 3 working days late
    assert result.escalated == [review.pk]
    for _ in range(3):
        assert sla_sweep(today=date(2026, 3, 20)).escalated == []
    escalations = _notifications(K.TASK_ESCALATED).order_by("recipient_id")
    assert [n.recipient for n in escalations] == [chief, second_chief]
    assert escalations[0].data["late_by"] == 3
    assert AuditEvent.objects.filter(action="task.escalated", object_id=str(review.pk)).count() == 1


def test_a_grace_of_zero_escalates_on_the_first_working_day_late(review, chief, settings):
    settings.SLA_ESCALATION_GRACE_WORKING_DAYS = 0
    assert sla_sweep(today=date(2026, 3, 12)).escalated == [review.pk]


def test_a_completed_task_is_left_alone(review, clerk, chief):
    apply.application_accept(application=review.process.filing_application, actor=clerk)
    assert Task.objects.get(pk=review.pk).status == STATUS.DONE
    result = sla_sweep(today=date(2026, 3, 30))
    assert review.pk not in result.overdue + result.escalated


def test_an_unclaimed_queue_task_escalates_but_tells_no_owner(draft, applicant, chief):
    apply.application_submit(application=draft, actor=applicant)
    draft.refresh_from_db()
    task = Task.objects.get(process_id=draft.process_id, flow_task=FilingFlow.review)
    TaskDeadline.objects.filter(task=task).update(started_on=date(2026, 3, 4), due_on=DUE)
    result = sla_sweep(today=date(2026, 3, 20))
    assert result.overdue == [task.pk] and result.escalated == [task.pk]
    assert not _notifications(K.DEADLINE_OVERDUE).exists()
    assert [n.recipient for n in _notifications(K.TASK_ESCALATED)] == [chief]


def test_the_applicant_is_reminded_of_the_supplement_and_nobody_escalates(draft, applicant, clerk, chief):
    apply.application_submit(application=draft, actor=applicant)
    apply.application_return(application=draft, actor=clerk, deficiencies=["补充考评场地证明"])
    draft.refresh_from_db()
    task = Task.objects.get(process_id=draft.process_id, flow_task=FilingFlow.supplement)
    TaskDeadline.objects.filter(task=task).update(started_on=date(2026, 3, 4), due_on=DUE)
    sla_sweep(today=date(2026, 3, 10))
    sla_sweep(today=date(2026, 3, 30))
    assert [n.recipient for n in _notifications(K.DEADLINE_APPROACHING)] == [applicant]
    assert [n.recipient for n in _notifications(K.DEADLINE_OVERDUE)] == [applicant]
    assert not _notifications(K.TASK_ESCALATED).exists()


def test_notifications_and_mails_arrive_once_when_the_job_runs_twice(
    review, clerk, chief, django_capture_on_commit_callbacks
):
    clerk.email, chief.email = "clerk@example.cn", "chief@example.cn"
    clerk.save(update_fields=["email"])
    chief.save(update_fields=["email"])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            jobs.sla_sweep.delay("2026-03-20")
    assert Notification.objects.filter(kind=K.DEADLINE_OVERDUE).count() == 1
    assert Notification.objects.filter(kind=K.TASK_ESCALATED).count() == 1
    assert sorted(message.to[0] for message in mail.outbox) == ["chief@example.cn", "clerk@example.cn"]


def test_the_management_command_reports_what_it_did(review, chief):
    out = StringIO()
    call_command("sla_sweep", "--today", (DUE + timedelta(days=9)).isoformat(), stdout=out)
    text = out.getvalue()
    assert f"({review.pk})" in text
    out = StringIO()
    call_command("sla_sweep", "--today", (DUE + timedelta(days=9)).isoformat(), stdout=out)
    assert f"({review.pk})" not in out.getvalue()


def test_an_open_task_from_before_deadlines_gets_one_from_its_creation_day(review):
    TaskDeadline.objects.filter(task=review).delete()
    Task.objects.filter(pk=review.pk).update(created=at(date(2026, 2, 13)))
    result = sla_sweep(today=date(2026, 2, 16))
    assert result.backfilled == [review.pk]
    deadline = TaskDeadline.objects.get(task=review)
    assert (deadline.started_on, deadline.due_on) == (date(2026, 2, 13), date(2026, 2, 27))
    assert sla_sweep(today=date(2026, 2, 16)).backfilled == []
