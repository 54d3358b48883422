"""The certificate list pages by key: newest registration first, 'more' after an id, no COUNT(*) and no OFFSET;
the body sees only its own certificates on every page; filters carry over to the next page."""

import re

import pytest
from django.urls import reverse

from cases.certificates.selectors import certificate_page
from cases.certificates.services import batches as services
from cases.models import Certificate
from tests.certificates.conftest import good_rows, imported_batch, make_plan

pytestmark = pytest.mark.django_db


def register(filing, applicant, reviewer, count, start=0):
    batch = imported_batch(make_plan(filing, applicant, expected=count), applicant, good_rows(count, start=start))
    services.result_batch_submit(batch=batch, actor=applicant)
    return services.result_batch_approve(batch=batch, actor=reviewer)


def test_pages_follow_one_another_newest_first_without_gaps_or_repeats(filing, applicant, reviewer):
    register(filing, applicant, reviewer, 7)
    register(filing, applicant, reviewer, 5, start=100)
    everything = Certificate.objects.all()
    seen, cursor, pages = [], "", 0
    while True:
        page = certificate_page(everything, after=cursor, size=5)
        seen += [certificate.pk for certificate in page]
        pages += 1
        assert page.first == (cursor == "")
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert pages == 3 and seen == sorted(everything.values_list("pk", flat=True), reverse=True)


def test_a_cursor_that_is_no_id_starts_at_the_top(filing, applicant, reviewer):
    register(filing, applicant, reviewer, 3)
    top = [c.pk for c in certificate_page(Certificate.objects.all(), size=2)]
    for junk in ("abc", "-1", "１２", "9" * 40, ""):
        page = certificate_page(Certificate.objects.all(), after=junk, size=2)
        assert [c.pk for c in page] == top and page.first


def test_the_page_offers_more_and_keeps_the_filter(client, filing, applicant, reviewer, django_assert_max_num_queries):
    register(filing, applicant, reviewer, 60)
    client.force_login(reviewer)
    url = reverse("certificates:certificate_list")
    first = client.get(url, {"status": "valid"})
    assert len(first.context["page"]) == 50
    more = re.search(r'href="\?([^"]*after=\d+[^"]*)"', first.content.decode())
    assert more and "status=valid" in more.group(1)
    with django_assert_max_num_queries(20) as counted:
        second = client.get(f"{url}?{more.group(1).replace('&amp;', '&')}")
    on_certificates = [q["sql"].upper() for q in counted.captured_queries if "CASES_CERTIFICATE" in q["sql"].upper()]
    assert on_certificates and not any("COUNT(" in sql or "OFFSET" in sql for sql in on_certificates)
    shown = {c.pk for c in first.context["page"]} | {c.pk for c in second.context["page"]}
    assert len(second.context["page"]) == 10 and len(shown) == 60 and not second.context["page"].first


def test_a_body_pages_through_its_own_certificates_only(client, filing, applicant, reviewer, other_body):
    register(filing, applicant, reviewer, 3)
    client.force_login(applicant)
    page = client.get(reverse("certificates:certificate_list")).context["page"]
    assert {c.organisation_id for c in page} == {filing.organisation_id}
    client.force_login(other_body[1])
    assert list(client.get(reverse("certificates:certificate_list")).context["page"]) == []
