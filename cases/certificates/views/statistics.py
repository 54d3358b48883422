"""Certificate statistics (charts and CSV) for the regulator."""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from cases.certificates import selectors

# Statistics

CHART_WIDTH, LABEL_WIDTH, BAR_AREA, ROW_HEIGHT = 760, 170, 430, 26


def _chart_rows(chart) -> dict:
    """SVG geometry of a horizontal bar chart: total bar, high-skilled part inside it, value text."""
    maximum = chart.maximum or 1
    rows = []
    for index, bar in enumerate(chart.bars):
        y = index * ROW_HEIGHT + 4
        total_w = round(BAR_AREA * bar.total / maximum, 1)
        high_w = round(BAR_AREA * bar.high / maximum, 1)
        label = bar.label if len(bar.label) <= 12 else bar.label[:11] + "…"
        rows.append(
            {
                "bar": bar,
                "label": label,
                "y": y,
                "text_y": y + 14,
                "total_w": max(total_w, 1 if bar.total else 0),
                "high_w": high_w,
                "value_x": LABEL_WIDTH + total_w + 6,
                "share": f"{bar.share * 100:.1f}%",
            }
        )
    return {
        "chart": chart,
        "rows": rows,
        "height": max(len(rows), 1) * ROW_HEIGHT + 8,
        "label_width": LABEL_WIDTH,
        "width": CHART_WIDTH,
    }


def _statistics_year(request) -> int | None:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


def _statistics_allowed(user) -> None:
    if not (user.is_superuser or user.has_perm("cases.view_certificate_statistics")):
        raise PermissionDenied


@login_required
def statistics(request):
    _statistics_allowed(request.user)
    year = _statistics_year(request)
    stats = selectors.certificate_statistics(year=year)
    return render(
        request,
        "cases/certificates/statistics.html",
        {
            "stats": stats,
            "charts": [_chart_rows(chart) for chart in stats["charts"]],
            "year": year,
            "share_pct": f"{stats['share'] * 100:.1f}%",
        },
    )


@login_required
def statistics_csv(request):
    """Every dimension of the statistics page as one long CSV (dimension, key, label, counts, share)."""
    _statistics_allowed(request.user)
    year = _statistics_year(request)
    stats = selectors.certificate_statistics(year=year)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["dimension", "key", "label", "certificates", "high_skilled", "high_skilled_share", "year"])
    writer.writerow(["total", "", "", stats["total"], stats["high"], f"{stats['share']:.4f}", year or "all"])
    for chart in stats["charts"]:
        for bar in chart.bars:
            writer.writerow([chart.key, bar.key, bar.label, bar.total, bar.high, f"{bar.share:.4f}", year or "all"])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="certificate-statistics-{year or "all"}.csv"'
    return response
