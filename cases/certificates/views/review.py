"""The regulator's result-batch review tasks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from viewflow.workflow.status import STATUS

from cases.certificates import access, selectors
from cases.certificates.steps import BATCH_STEPS
from cases.certificates.views.batches import _paged, _scope_warning
from cases.common.views import error_message
from cases.models import (
    District,
    SkillLevel,
)
from workflow.tasks import TaskUnavailable, task_claim, task_release, user_may_take

# The regulator's review


def review_list(request, mode):
    selector = {
        "inbox": selectors.review_inbox_for,
        "queue": selectors.review_queue_for,
        "archive": selectors.review_archive_for,
    }[mode]
    district = request.GET.get("district", "")
    return render(
        request,
        "cases/certificates/review_list.html",
        {
            "mode": mode,
            "page": _paged(request, selector(user=request.user, district=district)),
            "districts": District.objects.all(),
            "district": district,
            "today": timezone.localdate(),
        },
    )


@login_required
def review_inbox(request):
    return review_list(request, "inbox")


@login_required
def review_queue(request):
    return review_list(request, "queue")


@login_required
def review_archive(request):
    return review_list(request, "archive")


def _render_review(request, task, batch, form=None):
    step = BATCH_STEPS.get(task.flow_task.name)
    is_mine = task.owner_id == request.user.pk and task.status == STATUS.ASSIGNED
    today = timezone.localdate()
    return render(
        request,
        "cases/certificates/review_task.html",
        {
            "task": task,
            "batch": batch,
            "plan": batch.plan,
            "step": step,
            "is_mine": is_mine,
            "form": form or (step.form_class() if step and is_mine else None),
            "step_template": step.template if step else None,
            "can_claim": task.status == STATUS.NEW and user_may_take(request.user, task),
            "can_release": is_mine and bool(task.owner_permission),
            "candidates": batch.candidates.order_by("line")[:20],
            "scope_warning": _scope_warning(batch, today),
            "level_label": SkillLevel(batch.plan.level).label,
            "overdue": batch.review_due and today > batch.review_due,
            "today": today,
        },
    )


@login_required
def review_task(request, task_pk):
    task, batch = access.access_review_task(request.user, task_pk)
    batch = access.access_batch(request.user, batch.pk)
    if request.method != "POST":
        return _render_review(request, task, batch)
    step = BATCH_STEPS[task.flow_task.name]
    form = step.form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _render_review(request, task, batch, form)
    try:
        step.perform(form, batch, request.user)
    except (ValidationError, TaskUnavailable, PermissionDenied) as error:
        messages.error(request, error_message(error))
        return _render_review(request, task, batch, form)
    messages.success(request, step.done_message)
    return redirect("certificate_review:inbox")


@login_required
@require_POST
def review_claim(request, task_pk):
    access.access_review_task(request.user, task_pk)
    try:
        task_claim(task_id=task_pk, actor=request.user)
        messages.success(request, _("Task claimed."))
    except TaskUnavailable as error:
        messages.error(request, str(error))
    return redirect("certificate_review:task", task_pk=task_pk)


@login_required
@require_POST
def review_release(request, task_pk):
    access.access_review_task(request.user, task_pk)
    try:
        task_release(task_id=task_pk, actor=request.user)
        messages.success(request, _("Task returned to the queue."))
    except TaskUnavailable as error:
        messages.error(request, str(error))
        return redirect("certificate_review:task", task_pk=task_pk)
    return redirect("certificate_review:inbox")
