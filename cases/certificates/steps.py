"""What the human step of the result-batch review shows and does (the filing flow's workflow/steps.py
pattern, kept apart because its tasks hang off a ResultBatch rather than a FilingApplication)."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from cases.certificates.forms import BatchReviewForm
from cases.certificates.services import batches as services
from workflow.flows.certificates import ResultBatchFlow


def _review(form, batch, user):
    outcome = form.cleaned_data["outcome"]
    if outcome == BatchReviewForm.APPROVE:
        return services.result_batch_approve(batch=batch, actor=user)
    if outcome == BatchReviewForm.RETURN:
        return services.result_batch_return(batch=batch, actor=user, reasons=form.correction_list())
    return services.result_batch_reject(batch=batch, actor=user, reasons=form.cleaned_data["reasons"])


@dataclass(frozen=True)
class Step:
    """Same shape as cases.applications.steps.Step: title, form, template, the service call, the success message."""

    title: Any
    form_class: type
    template: str
    perform: Any
    done_message: Any


BATCH_STEPS = {
    ResultBatchFlow.review.name: Step(
        _("Result-batch review"),
        BatchReviewForm,
        "cases/certificates/steps/review.html",
        _review,
        _("Review recorded."),
    ),
}


def batch_step_title(task) -> str:
    step = BATCH_STEPS.get(task.flow_task.name)
    return step.title if step else task.flow_task.name
