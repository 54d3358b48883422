"""The page of the result-batch review step and how the tasks of result batches are shown."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.certificates.access import is_certificate_reader
from cases.certificates.forms import BatchReviewForm
from cases.certificates.services import batches as services
from cases.certificates.views.batches import scope_warning
from cases.models import SkillLevel
from workflow.flows.certificates import ResultBatchFlow
from workflow.models import WorkItem
from workflow.steps import FlowPages, Step, register, register_flow


def _batch_url(batch) -> str:
    return reverse("certificates:batch_detail", args=[batch.pk])


def _panel_context(request, batch) -> dict:
    today = timezone.localdate()
    return {
        "plan": batch.plan,
        "candidates": batch.candidates.order_by("line")[:20],
        "scope_warning": scope_warning(batch, today),
        "level_label": SkillLevel(batch.plan.level).label,
        "review_overdue": batch.review_due and today > batch.review_due,
    }


register_flow(
    FlowPages(
        ResultBatchFlow,
        kind=WorkItem.Kind.BATCH,
        subject_name="batch",
        readable_by=lambda user, batch: is_certificate_reader(user),
        panel="cases/certificates/_task_panel.html",
        subject_url=_batch_url,
        body_url=_batch_url,
        panel_context=_panel_context,
    )
)


def _review(form, batch, user):
    outcome = form.cleaned_data["outcome"]
    if outcome == BatchReviewForm.APPROVE:
        return services.result_batch_approve(batch=batch, actor=user)
    if outcome == BatchReviewForm.RETURN:
        return services.result_batch_return(batch=batch, actor=user, reasons=form.correction_list())
    return services.result_batch_reject(batch=batch, actor=user, reasons=form.cleaned_data["reasons"])


register(
    Step(
        ResultBatchFlow.review,
        BatchReviewForm,
        "cases/certificates/steps/review.html",
        _review,
        _("Review recorded."),
    )
)
