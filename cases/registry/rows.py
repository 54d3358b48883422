"""A filed body as plain data (the public registry's row): the same shape for the API and the public directory.

Built by hand rather than by a serializer: the registry list is the busiest public read, and its rows are plain
data. api.serializers.BodySerializer describes the shape for the schema (schemathesis checks they agree).
"""

import json

from cases.models import Filing
from cases.registry.selectors import scope_rows


def occupation_row(occupation) -> dict:
    return {"code": occupation.code, "name": occupation.name, "trade": occupation.trade}


def _scope(row) -> dict:
    return {"occupation": occupation_row(row.occupation), "levels": sorted(row.levels), "methods": list(row.methods)}


def body_row(filing, today) -> dict:
    organisation = filing.organisation
    status_now = filing.status_on(today)
    return {
        "number": filing.number,
        "organisation": {
            "name": organisation.name,
            "credit_code": organisation.credit_code,
            "kind": organisation.kind,
            "category": organisation.category,
            "district": {"code": organisation.district.code, "name": organisation.district.name},
        },
        "status": status_now,
        "status_since": filing.status_changed_on.isoformat()
        if filing.status_changed_on and status_now != "active"
        else None,
        "valid_from": filing.valid_from.isoformat(),
        "valid_until": filing.valid_until.isoformat(),
        "scope_today": [_scope(row) for row in filing.certifiable_scope(today)],
        "suspended_scope": [_scope(row) for row in filing.scope.all() if row.suspended],
    }


# The list's columns, read as plain values: building model instances, select_related and the scope prefetch
# cost more than the two queries themselves (profiled: about three quarters of a page's time).
PAGE_COLUMNS = (
    "pk",
    "number",
    "status",
    "status_changed_on",
    "valid_from",
    "valid_until",
    "organisation__name",
    "organisation__credit_code",
    "organisation__kind",
    "organisation__category",
    "organisation__district__code",
    "organisation__district__name",
)


class _FilingStatus:
    """The filing's own rules (Filing.status_on, Filing.may_certify_on) over a row of values, without a model
    instance (a Filing, with its state machine, costs more to build than the row itself)."""

    OPEN_STATUSES, Status = Filing.OPEN_STATUSES, Filing.Status
    status_on, may_certify_on = Filing.status_on, Filing.may_certify_on

    def __init__(self, row: dict):
        self.status, self.valid_from, self.valid_until = row["status"], row["valid_from"], row["valid_until"]


def body_rows(rows: list[dict], today) -> list[dict]:
    """body_row() for a page of filings read with PAGE_COLUMNS: the same shape, with their scope in one query."""
    scope = _scope_by_filing([row["pk"] for row in rows])
    page = []
    for row in rows:
        filing = _FilingStatus(row)
        status_now = filing.status_on(today)
        certifies = filing.may_certify_on(today)
        items = scope[row["pk"]]
        page.append(
            {
                "number": row["number"],
                "organisation": {
                    "name": row["organisation__name"],
                    "credit_code": row["organisation__credit_code"],
                    "kind": row["organisation__kind"],
                    "category": row["organisation__category"],
                    "district": {
                        "code": row["organisation__district__code"],
                        "name": row["organisation__district__name"],
                    },
                },
                "status": status_now,
                "status_since": row["status_changed_on"].isoformat()
                if row["status_changed_on"] and status_now != "active"
                else None,
                "valid_from": row["valid_from"].isoformat(),
                "valid_until": row["valid_until"].isoformat(),
                # Filing.certifiable_scope: nothing unless the body may certify today, then the rows not suspended.
                "scope_today": [item for suspended, item in items if certifies and not suspended],
                "suspended_scope": [item for suspended, item in items if suspended],
            }
        )
    return page


def _scope_by_filing(filing_ids: list[int]) -> dict[int, list[tuple[bool, dict]]]:
    """Each filing's scope as (suspended, the row as the API shows it), in the order approved.

    The stored JSON of levels and methods is decoded in one call for the whole page (one call per value cost
    as much as the rest of the rows together)."""
    rows = scope_rows(filing_ids)
    decoded = json.loads("[" + ",".join(f"[{levels},{methods}]" for *_, levels, methods, _s in rows) + "]")
    scope: dict[int, list[tuple[bool, dict]]] = {pk: [] for pk in filing_ids}
    for (filing_id, code, name, trade, *_json, suspended), (levels, methods) in zip(rows, decoded, strict=True):
        item = {
            "occupation": {"code": code, "name": name, "trade": trade},
            "levels": sorted(levels),
            "methods": methods,
        }
        scope[filing_id].append((bool(suspended), item))
    return scope
