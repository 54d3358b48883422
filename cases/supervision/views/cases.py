"""The regulator's supervision pages: task inbox/queue/archive, task pages per step, case pages.
Views stay thin: access helper -> form -> service -> redirect; state changes are POST only."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from viewflow.workflow.status import STATUS

from audits.selectors import timeline_for
from cases.common.views import audited_download, error_message
from cases.models import CaseState, District, GeneratedDocument, RectificationEvidence, SupervisionCase
from cases.supervision import forms
from cases.supervision import selectors as supervision_selectors
from cases.supervision.access import READ_CASES, SUPERVISE, access_case, access_task, visible_cases
from cases.supervision.services import cases as supervision
from workflow import roles
from workflow.flows.supervision import SupervisionFlow
from workflow.tasks import TaskUnavailable, task_claim, task_release, user_may_take

PAGE_SIZE = 25


def _require_supervision_role(user) -> None:
    if not (user.has_perm(READ_CASES) or roles.has_role(user, roles.INSPECTOR)):
        raise PermissionDenied


# What each human step shows and does


def _plan(form, case, user):
    data = form.cleaned_data
    if data["action"] == forms.PlanForm.DISMISS:
        return supervision.case_dismiss(case=case, actor=user, reason=data["reason"])
    return supervision.case_plan_inspection(
        case=case,
        actor=user,
        inspection_date=data["inspection_date"],
        leader=data.get("leader"),
        members=list(data.get("members") or []),
    )


def _findings(form, case, user):
    data = form.cleaned_data
    return supervision.case_record_findings(
        case=case, actor=user, conclusion=data["conclusion"], findings=data["findings"], summary=data["summary"]
    )


def _decide(form, case, user):
    data = form.cleaned_data
    return supervision.case_decide(
        case=case,
        actor=user,
        decision=data["decision"],
        note=data["note"],
        items=data["items"],
        working_days=data["working_days"],
    )


def _verify(form, case, user):
    data = form.cleaned_data
    return supervision.rectification_verify(
        case=case,
        actor=user,
        decision=data["decision"],
        note=data["note"],
        items=data["items"],
        working_days=data["working_days"],
    )


def _sanction(form, case, user):
    data = form.cleaned_data
    return supervision.case_sanction(
        case=case, actor=user, measure=data["measure"], reasons=data["reasons"], scopes=list(data["scopes"] or [])
    )


@dataclass(frozen=True)
class Step:
    title: Any
    form_class: type
    template: str
    perform: Any
    done_message: Any


STEPS = {
    SupervisionFlow.plan.name: Step(
        gettext_lazy("Plan the supervision inspection"),
        forms.PlanForm,
        "cases/supervision/steps/plan.html",
        _plan,
        gettext_lazy("Inspection planned."),
    ),
    SupervisionFlow.inspect.name: Step(
        gettext_lazy("Supervision inspection"),
        forms.FindingsForm,
        "cases/supervision/steps/inspect.html",
        _findings,
        gettext_lazy("Findings recorded."),
    ),
    SupervisionFlow.decide.name: Step(
        gettext_lazy("Decide on the findings"),
        forms.DecideForm,
        "cases/supervision/steps/decide.html",
        _decide,
        gettext_lazy("Decision recorded."),
    ),
    SupervisionFlow.verify.name: Step(
        gettext_lazy("Verify the rectification"),
        forms.VerifyForm,
        "cases/supervision/steps/verify.html",
        _verify,
        gettext_lazy("Verification recorded."),
    ),
    SupervisionFlow.sanction.name: Step(
        gettext_lazy("Sanction decision"),
        forms.SanctionForm,
        "cases/supervision/steps/sanction.html",
        _sanction,
        gettext_lazy("Sanction decided; the decision document is issued."),
    ),
}
RESPOND_TITLE = gettext_lazy("Rectification by the body")


def step_title(task) -> str:
    step = STEPS.get(task.flow_task.name)
    return step.title if step else RESPOND_TITLE


# Task lists


@login_required
def task_list(request, mode="inbox"):
    _require_supervision_role(request.user)
    select = {
        "inbox": supervision_selectors.supervision_inbox_for,
        "queue": supervision_selectors.supervision_queue_for,
        "archive": supervision_selectors.supervision_archive_for,
    }[mode]
    step = request.GET.get("step", "")
    page = Paginator(select(user=request.user, step=step), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(task, task.process.supervision_case, step_title(task)) for task in page]
    return render(
        request,
        "cases/supervision/task_list.html",
        {
            "mode": mode,
            "page": page,
            "rows": rows,
            "step": step,
            "steps": [(name, s.title) for name, s in STEPS.items()],
            "now": timezone.now(),
        },
    )


# Task pages


def _render_task(request, task, case, form=None, status=200):
    step = STEPS.get(task.flow_task.name)
    is_mine = task.owner_id == request.user.pk and task.status == STATUS.ASSIGNED
    if form is None and step and is_mine:
        form = step.form_class(case=case)
    return render(
        request,
        "cases/supervision/task.html",
        {
            "task": task,
            "case": case,
            "step": step,
            "title": step_title(task),
            "is_mine": is_mine,
            "form": form,
            "can_claim": task.status == STATUS.NEW and user_may_take(request.user, task),
            "can_release": is_mine and bool(task.owner_permission),
            **_case_context(case, request.user),
        },
        status=status,
    )


@login_required
def task_detail(request, task_pk):
    task, case = access_task(request.user, task_pk)
    if request.method != "POST":
        return _render_task(request, task, case)
    step = STEPS.get(task.flow_task.name)
    if step is None:
        raise PermissionDenied
    form = step.form_class(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _render_task(request, task, case, form)
    try:
        step.perform(form, case, request.user)
    except (ValidationError, TaskUnavailable, PermissionDenied) as error:
        messages.error(request, error_message(error))
        return _render_task(request, task, case, form)
    messages.success(request, step.done_message)
    return redirect("supervision:inbox")


def _task_action(request, task_pk, action, success, next_url=None):
    try:
        action()
        messages.success(request, success)
    except TaskUnavailable as error:
        messages.error(request, str(error))
    if next_url:
        return redirect(next_url)
    return redirect("supervision:task", task_pk=task_pk)


@login_required
@require_POST
def task_claim_view(request, task_pk):
    access_task(request.user, task_pk)
    return _task_action(request, task_pk, lambda: task_claim(task_id=task_pk, actor=request.user), _("Task claimed."))


@login_required
@require_POST
def task_release_view(request, task_pk):
    access_task(request.user, task_pk)
    return _task_action(
        request,
        task_pk,
        lambda: task_release(task_id=task_pk, actor=request.user),
        _("Task returned to the queue."),
        next_url="supervision:inbox",
    )


# Cases


@login_required
def case_list(request):
    _require_supervision_role(request.user)
    qs = visible_cases(request.user).select_related("filing__organisation__district", "campaign")
    state, trigger, district = (request.GET.get(name, "") for name in ("state", "trigger", "district"))
    if state:
        qs = qs.filter(state=state)
    if trigger:
        qs = qs.filter(trigger=trigger)
    if district:
        qs = qs.filter(filing__organisation__district__code=district)
    page = Paginator(qs.order_by("-opened_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/supervision/case_list.html",
        {
            "page": page,
            "states": CaseState.choices,
            "triggers": SupervisionCase.Trigger.choices,
            "districts": District.objects.all(),
            "state": state,
            "trigger": trigger,
            "district": district,
        },
    )


def case_documents(case):
    content_type = ContentType.objects.get_for_model(SupervisionCase)
    return GeneratedDocument.objects.filter(content_type=content_type, object_id=str(case.pk))


def _case_context(case, user) -> dict:
    orders = list(case.orders.prefetch_related("items", "evidence").order_by("round"))
    return {
        "orders": orders,
        "sanction": getattr(case, "sanction_decision", None),
        "complaint": getattr(case, "complaint", None) if user.has_perm("cases.view_complaint") else None,
        "documents": case_documents(case),
        "inspectors": list(case.inspectors.all()),
        "today": timezone.localdate(),
    }


@login_required
def case_detail(request, pk):
    case = access_case(request.user, pk)
    open_tasks = list(supervision_selectors.open_supervision_tasks(case=case))
    pending = next((order for order in case.orders.all() if order.status == "pending"), None)
    return render(
        request,
        "cases/supervision/case_detail.html",
        {
            "case": case,
            "open_tasks": [(task, step_title(task)) for task in open_tasks],
            "timeline": timeline_for(obj=case, public_only=False),
            "can_lapse": bool(pending and pending.deadline < timezone.localdate() and request.user.has_perm(SUPERVISE)),
            "pending": pending,
            **_case_context(case, request.user),
        },
    )


@login_required
@require_POST
def case_lapse(request, pk):
    """The deadline passed without an answer: move on to verification now instead of waiting for the sweep."""
    case = access_case(request.user, pk)
    if not request.user.has_perm(SUPERVISE):
        raise PermissionDenied
    order = get_object_or_404(case.orders, status="pending")
    try:
        supervision.rectification_lapse(order=order, actor=request.user)
        messages.success(request, _("The deadline has passed; the case is ready for verification."))
    except ValidationError as error:
        messages.error(request, error_message(error))
    return redirect("supervision:case", pk=case.pk)


@login_required
def case_document(request, pk, doc_pk):
    case = access_case(request.user, pk)
    document = get_object_or_404(case_documents(case), pk=doc_pk)
    return audited_download(
        request,
        obj=case,
        field=document.file,
        name=f"{document.title}.pdf",
        content_type="application/pdf",
        digest=document.sha256,
        kind=document.kind,
    )


@login_required
def case_evidence(request, pk, evidence_pk):
    case = access_case(request.user, pk)
    evidence = get_object_or_404(RectificationEvidence, pk=evidence_pk, order__case=case)
    return audited_download(
        request,
        obj=case,
        field=evidence.file,
        name=evidence.original_name,
        content_type=evidence.content_type,
        digest=evidence.sha256,
        kind="rectification_evidence",
    )
