"""The regulator's supervision case pages (the tasks of the cases are on the one task page, workflow.views).
Views stay thin: access helper -> form -> service -> redirect; state changes are POST only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.selectors import timeline_for
from cases.common.views import audited_download, error_message
from cases.documents.views import document_download
from cases.models import CaseState, District, GeneratedDocument, RectificationEvidence, SupervisionCase
from cases.supervision.access import READ_CASES, SUPERVISE, access_case, visible_cases
from cases.supervision.services import cases as supervision
from workflow import roles
from workflow.selectors import open_tasks_of

PAGE_SIZE = 25


def _require_supervision_role(user) -> None:
    if not (user.has_perm(READ_CASES) or roles.has_role(user, roles.INSPECTOR)):
        raise PermissionDenied


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


def case_context(case, user) -> dict:
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
    open_tasks = list(open_tasks_of(process_id=case.process_id)) if case.process_id else []
    pending = next((order for order in case.orders.all() if order.status == "pending"), None)
    return render(
        request,
        "cases/supervision/case_detail.html",
        {
            "case": case,
            "open_tasks": [(task, task.flow_task.task_title) for task in open_tasks],
            "timeline": timeline_for(obj=case, public_only=False),
            "can_lapse": bool(pending and pending.deadline < timezone.localdate() and request.user.has_perm(SUPERVISE)),
            "pending": pending,
            **case_context(case, request.user),
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
    return document_download(request, obj=case, document=document)


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
