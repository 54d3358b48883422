"""The public directory: no login, search and filters, scope certifiable today, detail, exports, query counts."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import District, Filing
from cases.registry import services as registry
from cases.registry.bulk import bulk_registry
from tests.factories import OrganisationFactory
from tests.registry.helpers import make_filing

pytestmark = pytest.mark.django_db
URL = "/directory/"


@pytest.fixture
def bodies(occupations, supervisor):
    """Three bodies: one active for two occupations, one with its welder scope suspended, one revoked."""
    haidian, chaoyang = District.objects.get(code="110108"), District.objects.get(code="110105")
    active = make_filing(
        organisation=OrganisationFactory(name="北京精工智造机械有限公司", district=haidian, category="municipal"),
        occupations=occupations,
    )
    partly = make_filing(
        organisation=OrganisationFactory(name="北京华技评价中心", district=chaoyang), occupations=occupations
    )
    welder = partly.scope.get(occupation__code="6-18-02-04")
    registry.filing_scope_suspend(filing=partly, scopes=[welder], actor=supervisor, reason="焊工考核不规范")
    revoked = make_filing(
        organisation=OrganisationFactory(name="北京违规培训学校", district=chaoyang), occupations=occupations[:1]
    )
    registry.filing_revoke(filing=revoked, actor=supervisor, reason="出具虚假证书")
    return {"active": active, "partly": partly, "revoked": revoked, "welder": welder}


def _rows(response):
    """The filing numbers listed, in order."""
    return [row["number"] for row, _stored_status, _category in response.context["rows"]]


def test_anyone_can_open_the_directory_without_logging_in(client, bodies):
    response = client.get(URL)
    assert response.status_code == 200
    assert set(_rows(response)) == {bodies[key].number for key in ("active", "partly", "revoked")}


def test_each_entry_shows_what_it_may_certify_today(client, bodies):
    response = client.get(URL)
    by_number = {row["number"]: (row["status"], row["scope_today"]) for row, *_rest in response.context["rows"]}
    status, scope = by_number[bodies["partly"].number]
    assert status == "active" and [item["occupation"]["code"] for item in scope] == ["6-31-01-03"]
    assert by_number[bodies["revoked"].number] == ("revoked", [])
    html = response.content.decode()
    assert 'data-testid="suspended-scope"' in html
    assert timezone.localdate().isoformat() in html  # the revocation date is shown


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "精工"}, ["active"]),
        ({"q": "华技评价"}, ["partly"]),
        ({"district": "110105"}, ["partly", "revoked"]),
        ({"category": "municipal"}, ["active"]),
        ({"status": "revoked"}, ["revoked"]),
        ({"status": "active"}, ["active", "partly"]),
        ({"status": "nonsense"}, []),
        ({"occupation": "nonsense"}, []),
    ],
)
def test_search_and_filters(client, bodies, params, expected):
    response = client.get(URL, params)
    assert set(_rows(response)) == {bodies[key].number for key in expected}


def test_search_by_credit_code_and_number(client, bodies):
    active = bodies["active"]
    assert _rows(client.get(URL, {"q": active.organisation.credit_code.lower()})) == [active.number]
    assert _rows(client.get(URL, {"q": active.number})) == [active.number]


def test_filter_by_occupation(client, bodies, occupations):
    electrician = next(o for o in occupations if o.code == "6-31-01-03")
    response = client.get(URL, {"occupation": electrician.pk})
    assert set(_rows(response)) == {bodies["active"].number, bodies["partly"].number}


def test_detail_page_per_body_shows_scope_and_history(client, bodies):
    partly = bodies["partly"]
    response = client.get(reverse("directory:detail", args=[partly.number]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "焊工考核不规范" in html and partly.organisation.credit_code in html
    revoked = client.get(f"/directory/{bodies['revoked'].number}/")
    assert 'data-testid="revoked-on"' in revoked.content.decode()
    assert client.get("/directory/京技备000000/").status_code == 404


def test_a_suspension_shows_within_one_request(client, bodies, supervisor):
    active = bodies["active"]
    registry.filing_suspend(filing=active, actor=supervisor, reason="暂停")
    response = client.get(URL, {"q": active.number})
    row = response.context["rows"][0][0]
    assert (row["status"], row["scope_today"]) == ("suspended", [])


def test_csv_export_of_the_current_list(client, bodies):
    response = client.get("/directory/export.csv", {"district": "110105"})
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3  # header + two bodies of the district
    numbers = {row[0] for row in rows[1:]}
    assert numbers == {bodies["partly"].number, bodies["revoked"].number}
    partly = next(row for row in rows if row[0] == bodies["partly"].number)
    assert "电工" in partly[10] and "焊工" not in partly[10] and "焊工" in partly[11]


def test_excel_export(client, bodies):
    response = client.get("/directory/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 4 and {row[0] for row in values[1:]} == {f.number for f in Filing.objects.all()}


def _queries(client, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_directory_runs_a_constant_number_of_queries(client, occupations):
    bulk_registry(count=5, run=1)
    small = _queries(client)
    bulk_registry(count=120, run=2)
    large = _queries(client)
    filtered = _queries(client, {"page": 3, "status": "active", "occupation": occupations[0].pk})
    # count, page, scope prefetch, districts and occupations for the filters
    assert len(small) == len(large) == len(filtered) == 5, large


def test_a_registry_of_ten_thousand_bodies_is_served_with_the_same_queries(client):
    bodies = bulk_registry(count=10_000, run=3)
    assert Filing.objects.count() == 10_000
    for params in ({}, {"page": 200}, {"q": "机械"}, {"district": "110108", "status": "active"}):
        assert len(_queries(client, params)) == 5
    assert client.get(URL, {"q": "机械"}).context["page"].paginator.count > 0
    assert client.get(f"/directory/{bodies[-1].number}/").status_code == 200
