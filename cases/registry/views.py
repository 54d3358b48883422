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

from cases.common.text import clean_query_text
from cases.common.views import error_message
from cases.models import Filing, Organisation, SupervisionCase
from cases.registry import forms as registry_forms
from cases.registry import selectors
from cases.registry import services as registry
from cases.registry.access import access_filing
from cases.supervision.access import SUPERVISE, require_perm
from cases.supervision.services import cases as supervision

PAGE_SIZE = 25


# The registry


@login_required
def registry_list(request):
    require_perm(request.user, "cases.view_filing")
    filters = {
        name: clean_query_text(request.GET.get(name, ""))[:100] for name in ("q", "district", "category", "status")
    }
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
    user = request.user
    # The registry is read by every regulator; supervision cases and annual reports only by those whose
    # role may open them (the clerk may not), so the page shows no more than the case pages would.
    reads_cases = user.has_perm("cases.view_supervisioncase")
    reads_reports = user.has_perm("cases.view_annualreport")
    return render(
        request,
        "cases/registry/detail.html",
        {
            "filing": filing,
            "status": filing.status_on(today),
            "certifiable": filing.certifiable_scope(today),
            "reads_cases": reads_cases,
            "reads_reports": reads_reports,
            "cases": filing.supervision_cases.order_by("-opened_at") if reads_cases else [],
            "reports": filing.annual_reports.order_by("-year") if reads_reports else [],
            "can_change": user.has_perm(registry.REGISTRY_PERMISSION),
            "can_supervise": user.has_perm(SUPERVISE),
            "reason_form": bound.get("reason_form") or registry_forms.ReasonForm(),
            "open_case_form": bound.get("open_case_form") or registry_forms.OpenCaseForm(),
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
    form = registry_forms.ReasonForm(request.POST)
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
        messages.error(request, error_message(error))
        return _render_filing(request, filing, reason_form=form)
    messages.success(request, done)
    return redirect("registry:filing", pk=filing.pk)


@login_required
@require_POST
def registry_open_case(request, pk):
    filing = access_filing(request.user, pk)
    require_perm(request.user, SUPERVISE)
    form = registry_forms.OpenCaseForm(request.POST)
    if form.is_valid():
        try:
            case = supervision.case_open(
                filing=filing,
                trigger=SupervisionCase.Trigger.OTHER,
                summary=form.cleaned_data["summary"],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, error_message(error))
        else:
            messages.success(request, _("Case %(number)s opened; it waits in the queue.") % {"number": case.number})
            return redirect("supervision:case", pk=case.pk)
    return _render_filing(request, filing, open_case_form=form)
