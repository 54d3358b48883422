"""The review flow: submit -> review task in the regulators' queue -> approve / return -> fix -> resubmit / reject."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audits.models import AuditEvent
from cases.certificates.services import batches as services
from cases.models import BatchState, Filing
from tests.certificates.conftest import good_rows, imported_batch, make_plan, results_csv, run_import
from tests.factories import UserFactory
from workflow import roles
from workflow.calendar import due_date
from workflow.flows.certificates import ResultBatchFlow
from workflow.selectors import inbox_for, queue_for
from workflow.tasks import TaskUnavailable, task_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(filing, applicant):
    return imported_batch(make_plan(filing, applicant), applicant, good_rows(3))


def _open(batch):
    return sorted(
        t.flow_task.name
        for t in Task.objects.filter(process_id=batch.process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED])
    )


def test_submitting_puts_a_review_task_in_the_regulators_queue(batch, applicant, reviewer, clerk, approver):
    services.result_batch_submit(batch=batch, actor=applicant)
    batch.refresh_from_db()
    assert batch.state == BatchState.SUBMITTED
    assert batch.review_due == due_date(timezone.localdate(), "batch_review")
    assert not batch.submitted_late
    assert _open(batch) == ["review"]
    assert [item.task.process.artifact for item in queue_for(user=reviewer, kind="batch")] == [batch]
    assert [item.task.process.artifact for item in queue_for(user=clerk, kind="batch")] == [batch]
    assert list(queue_for(user=approver, kind="batch")) == []


def test_approval_registers_and_issues_certificates(batch, applicant, reviewer):
    services.result_batch_submit(batch=batch, actor=applicant)
    services.result_batch_approve(batch=batch, actor=reviewer)
    batch.refresh_from_db()
    assert batch.state == BatchState.REGISTERED and batch.decided_by == reviewer
    assert batch.certificates.count() == 3
    assert _open(batch) == []
    assert Filing.objects.get(pk=batch.plan.filing_id).last_assessment_on == batch.plan.assessment_date
    event = AuditEvent.objects.get(action="resultbatch.register", object_id=str(batch.pk))
    assert event.data["certificates"] == 3 and event.from_state == "submitted" and event.to_state == "registered"


def test_return_then_fix_then_resubmit_brings_the_review_back(batch, applicant, reviewer):
    services.result_batch_submit(batch=batch, actor=applicant)
    services.result_batch_return(batch=batch, actor=reviewer, reasons=["第3行成绩有误", " "])
    batch.refresh_from_db()
    assert batch.state == BatchState.RETURNED and batch.return_reasons == ["第3行成绩有误"]
    assert batch.fix_due == due_date(timezone.localdate(), "batch_fix")
    assert _open(batch) == ["fix"]
    run_import(batch, applicant, results_csv(good_rows(2, start=10)))
    services.result_batch_submit(batch=batch, actor=applicant)
    batch.refresh_from_db()
    assert batch.state == BatchState.SUBMITTED and _open(batch) == ["review"]
    services.result_batch_approve(batch=batch, actor=reviewer)
    assert batch.certificates.count() == 2


def test_rejection_ends_the_flow_without_certificates(batch, applicant, reviewer):
    services.result_batch_submit(batch=batch, actor=applicant)
    services.result_batch_reject(batch=batch, actor=reviewer, reasons="考评员不在备案名单")
    batch.refresh_from_db()
    assert batch.state == BatchState.REJECTED and batch.rejection_reasons == "考评员不在备案名单"
    assert batch.certificates.count() == 0 and _open(batch) == []


def test_return_and_reject_need_reasons(batch, applicant, reviewer):
    services.result_batch_submit(batch=batch, actor=applicant)
    with pytest.raises(ValidationError):
        services.result_batch_return(batch=batch, actor=reviewer, reasons=["  "])
    with pytest.raises(ValidationError):
        services.result_batch_reject(batch=batch, actor=reviewer, reasons="")


def test_a_draft_cannot_be_reviewed(batch, reviewer):
    with pytest.raises(TaskUnavailable):
        services.result_batch_approve(batch=batch, actor=reviewer)


def test_a_batch_cannot_be_submitted_twice_or_without_rows(filing, applicant, batch):
    services.result_batch_submit(batch=batch, actor=applicant)
    with pytest.raises(ValidationError):
        services.result_batch_submit(batch=batch, actor=applicant)
    empty = services.result_batch_create(plan=make_plan(filing, applicant), actor=applicant)
    with pytest.raises(ValidationError, match="Import the results file first"):
        services.result_batch_submit(batch=empty, actor=applicant)


def test_roles_without_the_review_permission_cannot_review(batch, applicant, approver):
    services.result_batch_submit(batch=batch, actor=applicant)
    with pytest.raises(TaskUnavailable):
        services.result_batch_approve(batch=batch, actor=approver)
    with pytest.raises(PermissionDenied):
        services.result_batch_approve(batch=batch, actor=applicant)


def test_a_regulator_belonging_to_the_body_may_not_review_it(batch, applicant, organisation):
    insider = UserFactory(username="t-insider", roles=[roles.SUPERVISOR])
    organisation.members.add(insider)
    services.result_batch_submit(batch=batch, actor=applicant)
    with pytest.raises(PermissionDenied):
        services.result_batch_approve(batch=batch, actor=insider)


def test_a_claimed_task_is_in_the_holders_inbox_only(batch, applicant, reviewer, clerk):
    services.result_batch_submit(batch=batch, actor=applicant)
    task = queue_for(user=reviewer, kind="batch").get().task
    task_claim(task_id=task.pk, actor=reviewer)
    assert [item.task for item in inbox_for(user=reviewer, kind="batch")] == [task]
    assert list(queue_for(user=clerk, kind="batch")) == []
    with pytest.raises(TaskUnavailable):
        services.result_batch_approve(batch=batch, actor=clerk)
    assert task.flow_task == ResultBatchFlow.review


def test_a_late_report_is_flagged(batch, applicant):
    plan = batch.plan
    plan.results_due = timezone.localdate().replace(year=timezone.localdate().year - 1)
    plan.save(update_fields=["results_due"])
    services.result_batch_submit(batch=batch, actor=applicant)
    batch.refresh_from_db()
    assert batch.submitted_late


def test_results_cannot_be_reported_before_the_assessment(filing, applicant):
    from datetime import timedelta

    plan = make_plan(filing, applicant, day=timezone.localdate() + timedelta(days=3))
    with pytest.raises(ValidationError, match="once the assessment has been held"):
        services.result_batch_create(plan=plan, actor=applicant)


def test_submission_is_refused_once_the_scope_is_suspended(batch, applicant, filing):
    filing.scope.update(suspended=True)
    with pytest.raises(ValidationError, match="suspended"):
        services.result_batch_submit(batch=batch, actor=applicant)


def test_the_review_and_the_fix_get_working_day_deadlines(batch, applicant, reviewer):
    from workflow.models import TaskDeadline

    batch = services.result_batch_submit(batch=batch, actor=applicant)
    review = TaskDeadline.objects.get(task__process_id=batch.process_id, step="batch_review")
    assert review.due_on == batch.review_due
    services.result_batch_return(batch=batch, actor=reviewer, reasons=["补充考评记录"])
    batch.refresh_from_db()
    fix = TaskDeadline.objects.get(task__process_id=batch.process_id, step="batch_fix")
    assert fix.due_on == batch.fix_due and fix.responsible == applicant
