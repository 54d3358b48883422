"""The auditors' search for people: by a person's login or name, by a case's number, by an action chosen in words,
entries as sentences with links, CSV export of the whole result."""

import csv
import io
import random

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from audits.actions import TRAIL_EXPORTED
from audits.models import AuditEvent
from audits.selectors import audit_search
from audits.services import audit_record
from cases.applications.simulation import Outcome, Staff, complete_draft, new_applicant, panel_experts, run_to_end
from cases.certificates.services import batches
from cases.common.demo import seed_demo
from cases.models import Certificate, FilingApplication, Occupation
from tests.audits.helpers import record_events
from tests.certificates.conftest import good_rows, imported_batch, make_filing, make_plan

pytestmark = pytest.mark.django_db

SEARCH = "/app/audits/"
EXPORT = "/app/audits/export.csv"


def _filed_case(seed: int = 1) -> FilingApplication:
    """One application taken through every step by the demo staff, as `simulate_filings` does."""
    rng = random.Random(seed)
    applicant, organisation = new_applicant(rng, seed)
    occupation = Occupation.objects.get(code="6-18-02-04")
    application = complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=rng)
    run_to_end(
        application=application,
        applicant=applicant,
        staff=Staff.from_groups(),
        experts=panel_experts,
        fate="filed",
        outcome=Outcome(),
    )
    return application


@pytest.fixture
def demo(db):
    seed_demo()


@pytest.fixture
def demo_auditor(demo, client):
    auditor = User.objects.get(username="demo-auditor")
    client.force_login(auditor)
    return auditor


def _ids(response) -> list[int]:
    return [event.pk for event in response.context["events"]]


def test_a_person_is_found_by_login_or_display_name(client, demo_auditor):
    _filed_case()
    clerk = User.objects.get(username="demo-clerk")
    by_clerk = list(AuditEvent.objects.filter(actor=clerk).order_by("-id").values_list("pk", flat=True))
    assert by_clerk
    for text in ("DEMO-CLERK", clerk.get_full_name(), clerk.get_full_name()[1:]):
        response = client.get(SEARCH, {"person": text})
        assert response.status_code == 200
        shown = _ids(response)
        assert set(by_clerk[:50]) <= set(shown), text
        assert all(
            event.actor_id == clerk.pk or (event.object_type == "auth.user" and event.object_id == str(clerk.pk))
            for event in response.context["events"]
        )
        assert "demo-clerk" in response.content.decode()
    nobody = client.get(SEARCH, {"person": "no such person at all"})
    assert _ids(nobody) == [] and 'data-testid="audit-people"' in nobody.content.decode()


def test_events_about_a_persons_account_are_found_with_theirs(client, demo_auditor):
    clerk = User.objects.get(username="demo-clerk")
    locked = audit_record(actor=None, action="auth.locked_out", obj=clerk, data={"failures": 5})
    response = client.get(SEARCH, {"person": "demo-clerk", "action": "auth.locked_out"})
    assert _ids(response) == [locked.pk]


def test_a_case_number_finds_the_application_its_filing_and_its_tasks(client, demo_auditor):
    application = _filed_case()
    other = _filed_case(seed=2)
    filing = application.filing
    response = client.get(SEARCH, {"number": application.number})
    events = list(AuditEvent.objects.filter(pk__in=_ids(response)))
    kinds = {event.object_type for event in events}
    assert {"cases.filingapplication", "cases.filing", "viewflow.task"} <= kinds
    assert not any(
        event.object_type == "cases.filingapplication" and event.object_id == str(other.pk) for event in events
    )
    by_filing = client.get(SEARCH, {"number": filing.number})
    assert set(_ids(by_filing)) == set(_ids(response))  # one case, whichever number is given
    assert client.get(SEARCH, {"number": "京技备申0000000"}).context["events"] == []


def test_batch_and_certificate_numbers_find_their_events(client, demo_auditor, settings, tmp_path):
    settings.MEDIA_ROOT, settings.BACKGROUND_JOBS = tmp_path, "inline"
    applicant = User.objects.get(username="demo-applicant")
    filing = make_filing(
        organisation=applicant.organisations.get(),
        applicant=applicant,
        occupation=Occupation.objects.get(code="6-18-02-04"),
    )
    batch = imported_batch(make_plan(filing, applicant, expected=3), applicant, good_rows(3))
    batches.result_batch_submit(batch=batch, actor=applicant)
    batches.result_batch_approve(batch=batch, actor=User.objects.get(username="demo-supervisor"))
    certificate = Certificate.objects.order_by("number").first()
    audit_record(actor=User.objects.get(username="demo-chief"), action="certificate.revoke", obj=certificate)
    by_batch = AuditEvent.objects.filter(pk__in=_ids(client.get(SEARCH, {"number": batch.number})))
    assert {"resultbatch.created", "resultbatch.submit", "resultbatch.register"} <= set(
        by_batch.values_list("action", flat=True)
    )
    by_certificate = client.get(SEARCH, {"number": certificate.number})
    assert [event.action for event in by_certificate.context["events"]] == ["certificate.revoke"]


def test_actions_are_chosen_from_a_list_in_words(client, demo_auditor):
    _filed_case()
    with translation.override("en"):
        page = client.get(SEARCH, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<select name="action"' in page and "<optgroup" in page
    accepted = client.get(SEARCH, {"action": "application.accept"})
    assert {event.action for event in accepted.context["events"]} == {"application.accept"}
    refused = client.get(SEARCH, {"action": "drop table"})
    assert refused.status_code == 200 and "action" in refused.context["form"].errors and _ids(refused) == []


def test_entries_read_as_sentences_with_links_to_the_object(client, demo_auditor, settings):
    settings.LANGUAGE_CODE = "en"
    application = _filed_case()
    response = client.get(
        SEARCH, {"number": application.number, "action": "application.accept"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    entry = response.context["entries"][0]
    assert entry.who == User.objects.get(username="demo-clerk").get_full_name()
    assert entry.name == application.number and entry.url == f"/app/applications/{application.pk}/"
    html = response.content.decode()
    assert f'<a href="/app/applications/{application.pk}/">{application.number}</a>' in html
    assert "{&quot;" not in html and '{"' not in html  # no raw JSON
    inspected = audit_search(number=application.number, action="inspection.signed").events.get()
    tasks = client.get(SEARCH, {"number": application.number, "action": "task.completed"}).context["entries"]
    assert tasks and all(entry.url == f"/app/applications/{application.pk}/" for entry in tasks)
    signed = client.get(SEARCH, {"number": application.number, "action": "inspection.signed"}).context["entries"][0]
    assert signed.pk == inspected.pk and ("conclusion", "meets") in signed.facts


def test_date_pickers_and_bad_dates(client, demo_auditor):
    page = client.get(SEARCH).content.decode()
    assert page.count('type="date"') == 2
    response = client.get(SEARCH, {"date_from": "2024-13-01"})
    assert response.status_code == 200 and response.context["form"].errors["date_from"]
    assert _ids(response) == []


@pytest.mark.parametrize("cases", [1, 3])
def test_search_by_number_and_person_runs_a_constant_number_of_queries(
    client, demo_auditor, django_assert_max_num_queries, cases
):
    applications = [_filed_case(seed=n + 1) for n in range(cases)]
    # session, user, roles; the numbered objects (one UNION), the case's other half, its tasks; the page; one read
    # per kind of object named on it
    with django_assert_max_num_queries(12):
        response = client.get(SEARCH, {"number": applications[0].number})
    assert response.status_code == 200 and response.context["events"]
    with django_assert_max_num_queries(10):
        response = client.get(SEARCH, {"person": "demo-chief"})
    assert len(response.context["events"]) > 0
    with django_assert_max_num_queries(10):
        response = client.get(SEARCH)
    assert len(response.context["events"]) == 50


def test_csv_export_streams_the_whole_result_in_words(client, demo_auditor, clerk):
    record_events(120, actor=clerk, action="task.claimed")
    record_events(5, actor=None, action="task.claimed")
    audit_record(actor=clerk, action="auth.password_changed", obj=clerk, data={"note": "changed"})
    User.objects.filter(pk=clerk.pk).update(first_name="=HYPERLINK(1)", last_name="")
    response = client.get(EXPORT, {"person": clerk.username})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header, rows = rows[0], rows[1:]
    expected = (
        AuditEvent.objects.filter(actor=clerk).count()
        + AuditEvent.objects.filter(object_type="auth.user", object_id=str(clerk.pk)).exclude(actor=clerk).count()
    )
    assert len(rows) == expected and len(rows) > 120
    assert [int(row[0]) for row in rows] == sorted((int(row[0]) for row in rows), reverse=True)
    changed = next(row for row in rows if row[5] == "auth.password_changed")
    assert changed[3] == "'=HYPERLINK(1)"  # a name that looks like a formula is written as text
    assert "changed" in changed[10]
    assert len(header) == len(changed)
    assert AuditEvent.objects.filter(action=TRAIL_EXPORTED, actor=demo_auditor).count() == 1


def test_csv_export_of_bad_filters_is_empty(client, demo_auditor):
    record_events(3)
    response = client.get(EXPORT, {"date_from": "not a day"})
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content).decode("utf-8").strip().splitlines()) == 1


def test_only_auditors_search_and_export(client, demo):
    assert client.get(EXPORT).status_code == 302  # to the sign-in page
    for username in ("demo-clerk", "demo-chief", "demo-applicant", "demo-supervisor"):
        client.force_login(User.objects.get(username=username))
        assert client.get(SEARCH).status_code == 403
        assert client.get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(action=TRAIL_EXPORTED).exists()
