"""The registry list builds its rows from plain values (for speed): each row must be the body exactly as its
own endpoint shows it, whatever its status, its suspended scope or the day."""

import datetime

import pytest
from django.utils import timezone

from cases.registry.bulk import bulk_registry
from cases.registry.rows import PAGE_COLUMNS, body_row, body_rows
from cases.registry.selectors import directory_search

pytestmark = pytest.mark.django_db


def test_every_row_of_the_list_is_the_body_as_its_own_endpoint_shows_it(client):
    bulk_registry(count=45, run=7)  # one list page and one request per body: within the per-address limit
    rows, path = [], "/api/v1/bodies/?page_size=100"
    while path:
        page = client.get(path).json()
        rows += page["results"]
        path = page["next"]
    assert len(rows) == 45
    kinds = {(row["status"], bool(row["suspended_scope"]), bool(row["scope_today"])) for row in rows}
    assert len(kinds) >= 3, kinds  # active with scope, suspended scope, closed filings: every branch is seen
    for row in rows:
        alone = client.get(f"/api/v1/bodies/{row['number']}/").json()
        alone.pop("status_history")
        assert row == alone


@pytest.mark.parametrize("days", [0, 4000])  # today, and a day when every filing has run out
def test_rows_from_values_equal_rows_from_the_models(days):
    bulk_registry(count=40, run=8)
    today = timezone.localdate() + datetime.timedelta(days=days)
    filings = directory_search(today=today)
    expected = [body_row(filing, today) for filing in filings]
    assert body_rows(list(filings.prefetch_related(None).values(*PAGE_COLUMNS)), today) == expected
    if days:
        assert {row["status"] for row in expected} <= {"expired", "revoked", "withdrawn"}
