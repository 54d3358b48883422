"""The review of certificate result batches as a viewflow Flow: who does what next.

A body submits a batch -> the regulator reviews it (a task in the queue of the roles holding
`cases.review_resultbatch`): approve (the batch is registered and certificates issued), return with
reasons (the body corrects and resubmits; the review task comes back), or reject. As in the filing
flow, the work of the review step is a service (cases.certificates.services.batches) that completes it.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from cases.models import BatchState
from workflow.locks import process_then_task
from workflow.models import StepCode
from workflow.nodes import human, waiting
from workflow.steps import current_subject

REVIEW = "cases.review_resultbatch"


def _batch(activation):
    return current_subject(activation.process)


def _submitter(activation):
    return _batch(activation).created_by


class ResultBatchFlow(flow.Flow):
    process_title = _("Result-batch registration")
    process_description = _("From reported assessment results to registered certificates")
    lock_impl = process_then_task

    start = flow.StartHandle(this.start_process).Next(this.review)
    review = human(_("Result-batch review"), permission=REVIEW, limit=StepCode.BATCH_REVIEW).Next(this.after_review)
    after_review = flow.Switch().Case(this.fix, lambda a: _batch(a).state == BatchState.RETURNED).Default(this.end)
    # The body has the batch while it corrects it: a pause of the regulator's clock (workflow.deadlines).
    fix = waiting(_("Correction by the certification body"), limit=StepCode.BATCH_FIX, responsible=_submitter).Next(
        this.review
    )
    end = flow.End()

    def start_process(self, activation, subject):
        activation.process.artifact = subject
        return activation.process
