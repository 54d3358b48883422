"""The regulator's registry pages: the registry with status history and manual changes, random campaigns,
complaints and annual reports (who is late)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.models import AnnualReport, Complaint, Filing, Organisation, SupervisionCampaign, SupervisionCase
from cases.registry import selectors
from cases.registry import services as registry
from cases.supervision import forms
from cases.supervision import services as supervision
from cases.supervision.access import SUPERVISE, access_campaign, access_filing, require_perm
from cases.supervision.views import error_text

PAGE_SIZE = 25


# The registry


@login_required
def registry_list(request):
    require_perm(request.user, "cases.view_filing")
    filters = {name: request.GET.get(name, "").strip()[:100] for name in ("q", "district", "category", "status")}
    page = Paginator(selectors.directory_search(today=timezone.localdate(), **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    return render(
        request,
        "cases/registry/list.html",
        {
            "page": page,
            "rows": [(filing, filing.status_on(today)) for filing in page],
            "filters": filters,
            "statuses": Filing.Status.choices,
            "categories": Organisation.Category.choices,
            "districts": selectors.directory_facets()["districts"],
        },
    )


def _render_filing(request, filing, **bound):
    today = timezone.localdate()
    filing = selectors.directory_entry(number=filing.number)
    return render(
        request,
        "cases/registry/detail.html",
        {
            "filing": filing,
            "status": filing.status_on(today),
            "certifiable": filing.certifiable_scope(today),
            "cases": filing.supervision_cases.order_by("-opened_at"),
            "reports": filing.annual_reports.order_by("-year"),
            "can_change": request.user.has_perm(registry.REGISTRY_PERMISSION),
            "can_supervise": request.user.has_perm(SUPERVISE),
            "reason_form": bound.get("reason_form") or forms.ReasonForm(),
            "open_case_form": bound.get("open_case_form") or forms.OpenCaseForm(),
            "today": today,
        },
        status=400 if bound else 200,
    )


@login_required
def registry_detail(request, pk):
    return _render_filing(request, access_filing(request.user, pk))


REGISTRY_ACTIONS = {
    "reinstate": (registry.filing_reinstate, gettext_lazy("The suspension has been lifted.")),
    "withdraw": (registry.filing_withdraw, gettext_lazy("The withdrawal has been recorded.")),
}


@login_required
@require_POST
def registry_change(request, pk, action):
    """Lift a suspension, lift one occupation's suspension, or record a withdrawal; reasons go public."""
    filing = access_filing(request.user, pk)
    require_perm(request.user, registry.REGISTRY_PERMISSION)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for this change; it is published in the status history."))
        return _render_filing(request, filing, reason_form=form)
    reason = form.cleaned_data["reason"]
    try:
        if action == "scope_reinstate":
            scope_id = request.POST.get("scope", "")
            if not scope_id.isdigit():
                raise Http404
            scope = get_object_or_404(filing.scope, pk=scope_id)
            registry.filing_scope_reinstate(scope=scope, actor=request.user, reason=reason)
            done = _("The occupation's suspension has been lifted.")
        elif action in REGISTRY_ACTIONS:
            change, done = REGISTRY_ACTIONS[action]
            change(filing=filing, actor=request.user, reason=reason)
        else:
            raise PermissionDenied
    except ValidationError as error:
        messages.error(request, error_text(error))
        return _render_filing(request, filing, reason_form=form)
    messages.success(request, done)
    return redirect("registry:filing", pk=filing.pk)


@login_required
@require_POST
def registry_open_case(request, pk):
    filing = access_filing(request.user, pk)
    require_perm(request.user, SUPERVISE)
    form = forms.OpenCaseForm(request.POST)
    if form.is_valid():
        try:
            case = supervision.case_open(
                filing=filing,
                trigger=SupervisionCase.Trigger.OTHER,
                summary=form.cleaned_data["summary"],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Case %(number)s opened; it waits in the queue.") % {"number": case.number})
            return redirect("supervision:case", pk=case.pk)
    return _render_filing(request, filing, open_case_form=form)


# Random inspection campaigns


@login_required
def campaign_list(request):
    require_perm(request.user, "cases.view_supervisioncampaign")
    page = Paginator(SupervisionCampaign.objects.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/registry/campaign_list.html",
        {"page": page, "can_create": request.user.has_perm("cases.add_supervisioncampaign")},
    )


@login_required
def campaign_create(request):
    require_perm(request.user, "cases.add_supervisioncampaign")
    form = forms.CampaignForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = supervision.campaign_create(
                    actor=request.user,
                    name=data["name"],
                    description=data["description"],
                    districts=data["districts"],
                    kinds=data["kinds"],
                    categories=data["categories"],
                    occupations=data["occupations"],
                    sample_size=data["sample_size"],
                    sample_ratio=data["sample_ratio"],
                    inspector_pool=data["inspector_pool"],
                    inspectors_per_case=data["inspectors_per_case"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Campaign saved. Check the population, then draw."))
                return redirect("registry:campaign", pk=campaign.pk)
        messages.error(request, _("Please correct the errors below."))
    return render(request, "cases/registry/campaign_form.html", {"form": form}, status=400 if form.errors else 200)


def _render_campaign(request, campaign, close_form=None, replay=None):
    cases = selectors.campaign_cases(campaign)
    population = (
        len(campaign.population)
        if campaign.state != SupervisionCampaign.State.DRAFT
        else selectors.campaign_population(campaign).count()
    )
    return render(
        request,
        "cases/registry/campaign_detail.html",
        {
            "campaign": campaign,
            "cases": cases,
            "population": population,
            "sample": supervision.sample_size_of(campaign, population) if population else 0,
            "pool": list(campaign.inspector_pool.order_by("username")),
            "districts": list(campaign.districts.all()),
            "occupations": list(campaign.occupations.all()),
            "open_cases": sum(1 for case in cases if case.state != "closed"),
            "can_act": request.user.has_perm("cases.add_supervisioncampaign"),
            "close_form": close_form or forms.CampaignCloseForm(),
            "replay": replay,
        },
    )


@login_required
def campaign_detail(request, pk):
    return _render_campaign(request, access_campaign(request.user, pk))


@login_required
@require_POST
def campaign_draw(request, pk):
    campaign = access_campaign(request.user, pk)
    require_perm(request.user, "cases.add_supervisioncampaign")
    try:
        campaign = supervision.campaign_draw(campaign=campaign, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("Drawn with seed %(seed)s: %(count)d cases opened, waiting in the supervision queue.")
            % {"seed": campaign.seed, "count": len(campaign.draw)},
        )
    return redirect("registry:campaign", pk=campaign.pk)


@login_required
@require_POST
def campaign_replay(request, pk):
    campaign = access_campaign(request.user, pk)
    return _render_campaign(request, campaign, replay=supervision.campaign_replay(campaign))


@login_required
@require_POST
def campaign_close(request, pk):
    campaign = access_campaign(request.user, pk)
    require_perm(request.user, "cases.add_supervisioncampaign")
    form = forms.CampaignCloseForm(request.POST)
    if form.is_valid():
        try:
            supervision.campaign_close(campaign=campaign, actor=request.user, summary=form.cleaned_data["summary"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Campaign closed; its results are published."))
            return redirect("registry:campaign", pk=campaign.pk)
    return _render_campaign(request, campaign, close_form=form)


# Complaints


@login_required
def complaint_list(request):
    require_perm(request.user, "cases.view_complaint")
    page = Paginator(
        Complaint.objects.select_related("filing__organisation", "case").order_by("-received_on", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/registry/complaint_list.html",
        {"page": page, "can_create": request.user.has_perm("cases.add_complaint")},
    )


@login_required
def complaint_create(request):
    require_perm(request.user, "cases.add_complaint")
    form = forms.ComplaintForm(request.POST or None, initial={"filing_number": request.GET.get("filing", "")})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint = supervision.complaint_record(
                    filing=data["filing"],
                    actor=request.user,
                    source=data["source"],
                    content=data["content"],
                    received_on=data["received_on"],
                    complainant=data["complainant"],
                    contact=data["contact"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Complaint recorded; case %(number)s opened.") % {"number": complaint.case.number}
                )
                return redirect("supervision:case", pk=complaint.case_id)
        messages.error(request, _("Please correct the errors below."))
    return render(request, "cases/registry/complaint_form.html", {"form": form}, status=400 if form.errors else 200)


# Annual reports


@login_required
def report_overview(request):
    require_perm(request.user, "cases.view_annualreport")
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year - 1))
    except ValueError:
        year = today.year - 1
    year = min(max(year, 2000), today.year - 1)
    overview = selectors.annual_report_overview(year=year, anomalies_only=request.GET.get("anomalies") == "1")
    due = supervision.annual_report_due(year)
    return render(
        request,
        "cases/registry/report_overview.html",
        {
            "year": year,
            "years": list(range(today.year - 1, today.year - 6, -1)),
            "due": due,
            "late": today > due,
            "reports": Paginator(overview["reports"], 50).get_page(request.GET.get("page")),
            "missing": overview["missing"][:200],
            "missing_count": overview["missing"].count(),
            "anomalies_only": request.GET.get("anomalies") == "1",
        },
    )


@login_required
def report_detail(request, pk):
    require_perm(request.user, "cases.view_annualreport")
    report = get_object_or_404(AnnualReport.objects.select_related("filing__organisation", "submitted_by"), pk=pk)
    return render(
        request,
        "cases/registry/report_detail.html",
        {"report": report, "lines": report.lines.select_related("occupation"), "cases": report.cases.all()},
    )
