"""The regulator's overview of annual reports, and one report."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cases.models import AnnualReport
from cases.supervision import selectors as supervision_selectors
from cases.supervision.access import require_perm
from cases.supervision.services import annual_reports as report_services

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
    overview = supervision_selectors.annual_report_overview(
        year=year, anomalies_only=request.GET.get("anomalies") == "1"
    )
    due = report_services.annual_report_due(year)
    return render(
        request,
        "cases/supervision/report_overview.html",
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
        "cases/supervision/report_detail.html",
        {"report": report, "lines": report.lines.select_related("occupation"), "cases": report.cases.all()},
    )
