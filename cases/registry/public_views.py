"""The public registry (/directory/): no login. Filed bodies, what each may certify today, their
status history, exports for other platforms, and the published results of random campaigns."""

import csv
import io
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from cases.common.text import clean_query_text
from cases.models import Filing, Organisation, SkillLevel, SupervisionCampaign
from cases.registry import selectors
from cases.registry.rows import PAGE_COLUMNS, body_rows
from cases.supervision import selectors as supervision

PAGE_SIZE = 25
FILTERS = ("q", "district", "category", "occupation", "status")


def _filters(request) -> dict[str, str]:
    """The filters of the query string, without control characters; unknown values match nothing."""
    return {name: clean_query_text(request.GET.get(name, ""))[:100] for name in FILTERS}


def _search(filters):
    return selectors.directory_search(today=timezone.localdate(), **filters)


@require_GET
def directory(request):
    """Search and filter the registry; each row shows the scope the body may certify today."""
    filters = _filters(request)
    today = timezone.localdate()
    page = Paginator(_search(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    stored = list(page.object_list.prefetch_related(None).values(*PAGE_COLUMNS))
    categories = dict(Organisation.Category.choices)
    rows = [
        (row, body["status"], categories.get(row["organisation"]["category"], ""))
        for body, row in zip(stored, body_rows(stored, today), strict=True)
    ]
    return render(
        request,
        "public/directory.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "statuses": Filing.Status.choices,
            "categories": Organisation.Category.choices,
            "today": today,
            **selectors.directory_facets(),
        },
    )


@require_GET
def directory_detail(request, number):
    filing = selectors.directory_entry(number=number)
    if filing is None:
        raise Http404(_("No filed body has this number."))
    today = timezone.localdate()
    return render(
        request,
        "public/directory_detail.html",
        {
            "filing": filing,
            "status": filing.status_on(today),
            "certifiable": filing.certifiable_scope(today),
            "today": today,
        },
    )


# Exports: the current list (the same filters), every page.

EXPORT_COLUMNS = [
    ("number", gettext_lazy("Filing number")),
    ("organisation", gettext_lazy("Organisation")),
    ("credit_code", gettext_lazy("Unified social credit code")),
    ("kind", gettext_lazy("Kind of organisation")),
    ("category", gettext_lazy("Category")),
    ("district", gettext_lazy("District")),
    ("status", gettext_lazy("Status")),
    ("status_since", gettext_lazy("Status since")),
    ("valid_from", gettext_lazy("Valid from")),
    ("valid_until", gettext_lazy("Valid until")),
    ("scope_today", gettext_lazy("May certify today")),
    ("suspended_scope", gettext_lazy("Suspended occupations")),
]


def _scope_text(rows) -> str:
    return "；".join(
        f"{row.occupation.code} {row.occupation.name}"
        + (f"（{row.occupation.trade}）" if row.occupation.trade else "")
        + "："
        + "、".join(str(SkillLevel(level).label) for level in sorted(row.levels))
        for row in rows
    )


def _export_rows(filters) -> Iterator[list[str]]:
    today = timezone.localdate()
    yield [str(label) for _key, label in EXPORT_COLUMNS]
    # chunked iteration with the scope prefetched per chunk: memory stays flat for a whole registry
    for filing in _search(filters).iterator(chunk_size=1000):
        organisation = filing.organisation
        status = filing.status_on(today)
        yield [
            filing.number,
            organisation.name,
            organisation.credit_code,
            str(organisation.get_kind_display()),
            str(organisation.get_category_display()),
            organisation.district.name,
            str(Filing.Status(status).label),
            filing.status_changed_on.isoformat() if filing.status_changed_on and status != Filing.Status.ACTIVE else "",
            filing.valid_from.isoformat(),
            filing.valid_until.isoformat(),
            _scope_text(filing.certifiable_scope(today)),
            _scope_text([row for row in filing.scope.all() if row.suspended]),
        ]


class _Echo:
    def write(self, value):
        return value


def _filename(ext: str) -> str:
    return f"directory-{timezone.localdate().isoformat()}.{ext}"


@require_GET
def directory_export_csv(request):
    """CSV in UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese correctly."""
    writer = csv.writer(_Echo())
    filters = _filters(request)  # before streaming starts: a bad value is still a 400

    def lines():
        yield "\ufeff"
        for row in _export_rows(filters):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@require_GET
def directory_export_xlsx(request):
    """Excel workbook (write-only mode: rows go straight to the file, not into a model of the sheet)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Filed bodies"))
    for row in _export_rows(_filters(request)):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response


# Published results of random inspection campaigns (双随机一公开)


@require_GET
def campaign_results(request):
    page = Paginator(supervision.closed_campaigns(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/directory_campaigns.html", {"page": page})


@require_GET
def campaign_result(request, number):
    campaign = SupervisionCampaign.objects.filter(number=number, state=SupervisionCampaign.State.CLOSED).first()
    if campaign is None:
        raise Http404(_("No published campaign has this number."))
    return render(
        request,
        "public/directory_campaign.html",
        {
            "campaign": campaign,
            "cases": supervision.campaign_cases(campaign),
            "districts": list(campaign.districts.all()),
            "occupations": list(campaign.occupations.all()),
            "population": len(campaign.population),
        },
    )
