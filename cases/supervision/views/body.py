"""The filed body's own pages: its registry entry, supervision cases with orders and deadlines (answered
from here), documents, and annual reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.selectors import timeline_for
from cases.common.views import audited_download, error_message
from cases.documents.views import document_download
from cases.models import Filing, RectificationEvidence, RectificationOrder
from cases.registry.access import access_own_filing
from cases.supervision import forms
from cases.supervision.access import access_own_case, access_own_order, own_cases
from cases.supervision.services import annual_reports as report_services
from cases.supervision.services import cases as supervision
from cases.supervision.services.annual_reports import ReportLine
from cases.supervision.views.cases import case_documents
from workflow import roles


def _require_applicant(user) -> None:
    if not roles.has_role(user, roles.APPLICANT):
        raise PermissionDenied


def _due_reports(filing: Filing, today) -> list[int]:
    """Finished years since filing without a report (newest first)."""
    submitted = set(filing.annual_reports.values_list("year", flat=True))
    return [year for year in range(today.year - 1, filing.valid_from.year - 1, -1) if year not in submitted]


@login_required
def overview(request):
    _require_applicant(request.user)
    today = timezone.localdate()
    filings = list(
        Filing.objects.filter(organisation__members=request.user)
        .select_related("organisation__district")
        .prefetch_related("scope__occupation", "annual_reports")
        .order_by("-valid_from")
    )
    cases = list(own_cases(request.user).select_related("filing").prefetch_related("orders").order_by("-opened_at"))
    pending = [
        (case, order)
        for case in cases
        for order in case.orders.all()
        if order.status == RectificationOrder.Status.PENDING
    ]
    return render(
        request,
        "cases/supervision/body_overview.html",
        {
            "entries": [
                {
                    "filing": filing,
                    "status": filing.status_on(today),
                    "certifiable": filing.certifiable_scope(today),
                    "reports": sorted(filing.annual_reports.all(), key=lambda r: -r.year),
                    "due_years": [
                        (year, report_services.annual_report_due(year)) for year in _due_reports(filing, today)
                    ]
                    if filing.status in Filing.OPEN_STATUSES
                    else [],
                }
                for filing in filings
            ],
            "cases": cases,
            "pending": pending,
            "today": today,
        },
    )


def _render_case(request, case, form=None):
    today = timezone.localdate()
    orders = list(case.orders.prefetch_related("items", "evidence").order_by("round"))
    pending = next((order for order in orders if order.status == RectificationOrder.Status.PENDING), None)
    can_respond = pending is not None and today <= pending.deadline
    if can_respond and form is None:
        form = forms.ResponseForm(order=pending)
    return render(
        request,
        "cases/supervision/body_case.html",
        {
            "case": case,
            "orders": orders,
            "pending": pending,
            "can_respond": can_respond,
            "form": form,
            "documents": case_documents(case).filter(public=True),
            # The body reads the public events and its own members' steps; the bureau's people are not named.
            "timeline": timeline_for(obj=case, public_only=True, organisation=case.filing.organisation),
            "sanction": getattr(case, "sanction_decision", None),
            "today": today,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
def case_detail(request, pk):
    _require_applicant(request.user)
    return _render_case(request, access_own_case(request.user, pk))


@login_required
@require_POST
def respond(request, pk, order_pk):
    _require_applicant(request.user)
    order = access_own_order(request.user, pk, order_pk)
    case = order.case
    form = forms.ResponseForm(request.POST, request.FILES, order=order)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _render_case(request, case, form)
    try:
        supervision.rectification_respond(
            order=order,
            actor=request.user,
            answers=form.answers(),
            files=form.cleaned_data["evidence"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        messages.error(request, error_message(error))
        return _render_case(request, case, form)
    messages.success(request, _("Your rectification report has been sent; the bureau will verify it."))
    return redirect("body:case", pk=case.pk)


@login_required
def case_document(request, pk, doc_pk):
    _require_applicant(request.user)
    case = access_own_case(request.user, pk)
    document = get_object_or_404(case_documents(case).filter(public=True), pk=doc_pk)
    return document_download(request, obj=case, document=document)


@login_required
def case_evidence(request, pk, evidence_pk):
    _require_applicant(request.user)
    case = access_own_case(request.user, pk)
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


@login_required
def report_create(request, pk, year):
    _require_applicant(request.user)
    filing = access_own_filing(request.user, pk)
    initial = forms.report_line_initial(filing)
    form = forms.AnnualReportForm(request.POST or None)
    lines = forms.ReportLineFormSet(request.POST or None, initial=initial, prefix="lines")
    if request.method == "POST":
        if form.is_valid() and lines.is_valid():
            try:
                report_services.annual_report_submit(
                    filing=filing,
                    year=year,
                    actor=request.user,
                    examiners=form.cleaned_data["examiners"],
                    internal_supervisors=form.cleaned_data["internal_supervisors"],
                    problems=form.cleaned_data["problems"],
                    lines=[
                        ReportLine(
                            occupation_id=line["occupation"],
                            level=line["level"],
                            assessments=line["assessments"],
                            candidates=line["candidates"],
                            certificates=line["certificates"],
                        )
                        for line in lines.cleaned_data
                    ],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The annual report for %(year)d has been submitted.") % {"year": year})
                return redirect("body:index")
        messages.error(request, _("Please correct the errors below."))
    scope = {row.occupation_id: row.occupation for row in filing.scope.select_related("occupation")}
    rows = [(line_form, scope.get(line_form.initial.get("occupation"))) for line_form in lines.forms]
    return render(
        request,
        "cases/supervision/body_report_form.html",
        {"filing": filing, "year": year, "form": form, "lines": lines, "rows": rows},
        status=400 if form.errors or lines.total_error_count() else 200,
    )
