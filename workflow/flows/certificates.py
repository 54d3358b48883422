"""The review of certificate result batches as a viewflow Flow: who does what next.

A body submits a batch -> the regulator reviews it (a task in the queue of the roles holding
`cases.review_resultbatch`): approve (the batch is registered and certificates issued), return with
reasons (the body corrects and resubmits; the review task comes back), or reject. As in the filing
flow, the work of the review step is a service (cases.certificates.services.batches) that completes the task.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.models import BatchState
from workflow import nodes
from workflow.deadlines import deadline_on_create, register_task_page
from workflow.models import StepCode
from workflow.tasks import OPEN, TaskUnavailable, task_claim, user_may_take


class BatchTaskRedirectView(LoginRequiredMixin, View):
    """viewflow's own task URL, if ever mounted, leads to our review page."""

    def get(self, request, *args, **kwargs):
        return redirect("certificate_review:task", task_pk=kwargs["task_pk"])


def _batch(activation):
    return activation.process.result_batch


def _submitter(activation):
    return _batch(activation).created_by


class ResultBatchFlow(flow.Flow):
    process_title = gettext_lazy("Result-batch registration")
    process_description = gettext_lazy("From reported assessment results to registered certificates")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.review)
    review = (
        flow.View(BatchTaskRedirectView.as_view())
        .Annotation(title=gettext_lazy("Result-batch review"))
        .Permission("cases.review_resultbatch")
        .onCreate(deadline_on_create(StepCode.BATCH_REVIEW))
        .Next(this.after_review)
    )
    after_review = flow.Switch().Case(this.fix, lambda a: _batch(a).state == BatchState.RETURNED).Default(this.end)
    # The body has the batch while it corrects it: a pause of the regulator's clock (workflow.deadlines).
    fix = (
        nodes.Handle()
        .Annotation(title=gettext_lazy("Correction by the certification body"))
        .onCreate(deadline_on_create(StepCode.BATCH_FIX, responsible=_submitter))
        .Next(this.review)
    )
    end = flow.End()

    def start_process(self, activation, batch):
        activation.process.artifact = batch
        return activation.process


def batch_flow_start(*, batch) -> None:
    """Start the review for a first submission and link the batch to its process."""
    batch.process = ResultBatchFlow.start.run(batch=batch)
    batch.save(update_fields=["process"])


def batch_flow_resume_after_fix(*, batch) -> None:
    """The body has resubmitted: the review task comes back to the queue."""
    task = Task.objects.get(process_id=batch.process_id, flow_task=ResultBatchFlow.fix, status=STATUS.NEW)
    ResultBatchFlow.fix.run(task)


def open_review_task_for(*, batch, actor) -> Task:
    """The actor's open review task of this batch, claiming it from the queue if needed."""
    tasks = Task.objects.filter(process_id=batch.process_id, flow_task=ResultBatchFlow.review, status__in=OPEN)
    mine = next((task for task in tasks if task.owner_id == actor.pk), None)
    if mine is not None:
        return mine
    queued = next((task for task in tasks if task.status == STATUS.NEW and user_may_take(actor, task)), None)
    if queued is not None:
        return task_claim(task_id=queued.pk, actor=actor)
    raise TaskUnavailable(_("There is no open review task for you on batch %(number)s.") % {"number": batch})


def _task_page(task) -> str:
    """Where reminders about a task of this flow lead: the review page, or the batch for its body."""
    if task.flow_task.name == ResultBatchFlow.fix.name:
        return reverse("certificates:batch_detail", args=[task.process.result_batch.pk])
    return reverse("certificate_review:task", kwargs={"task_pk": task.pk})


register_task_page(ResultBatchFlow, _task_page)
