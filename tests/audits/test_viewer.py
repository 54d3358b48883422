import pytest
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from audits.models import AuditEvent
from audits.selectors import timeline_for
from audits.services import audit_record
from tests.audits.helpers import record_events
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.audits.urls")]

SEARCH = "/app/audits/"


def test_anonymous_is_sent_to_login(client):
    response = client.get(SEARCH)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_other_roles_are_refused(client, clerk):
    client.force_login(clerk)
    assert client.get(SEARCH).status_code == 403


def test_auditor_and_superuser_may_search(client, auditor):
    client.force_login(auditor)
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert '<option value="auth.login_failed">' in response.content.decode()
    client.force_login(UserFactory(username="t-root", is_superuser=True))
    assert client.get(SEARCH).status_code == 200


def _shown_ids(response) -> list[int]:
    return [event.pk for event in response.context["events"]]


def test_filters_by_actor_object_action_and_day(client, auditor, clerk, organisation):
    mine = audit_record(actor=clerk, action="application.accepted", obj=organisation)
    record_events(3, actor=auditor)
    client.force_login(auditor)
    query = {"person": clerk.username, "object_type": "cases.organisation", "object_id": str(organisation.pk)}
    response = client.get(SEARCH, {**query, "action": "application.accepted", "date_from": mine.at.date()})
    assert _shown_ids(response) == [mine.pk]
    assert f'data-event-id="{mine.pk}"' in response.content.decode()
    assert client.get(SEARCH, {"action": "no.such.action"}).context["events"].__len__() == 0


def test_bad_dates_show_errors_and_no_results(client, auditor):
    record_events(2)
    client.force_login(auditor)
    response = client.get(SEARCH, {"date_from": "2024-02-30"})
    assert response.status_code == 200 and response.context["form"].errors
    assert _shown_ids(response) == []
    reversed_range = client.get(SEARCH, {"date_from": "2024-03-02", "date_to": "2024-03-01"})
    assert reversed_range.context["form"].non_field_errors()


@pytest.mark.parametrize("count", [3, 60])
def test_search_page_runs_a_constant_number_of_queries(client, auditor, django_assert_max_num_queries, count):
    actors = [UserFactory(username=f"t-actor-{n}") for n in range(5)]
    for n in range(count):
        audit_record(actor=actors[n % 5], action="test.happened", object_type="tests.thing", object_id=str(n))
    client.force_login(auditor)
    with django_assert_max_num_queries(6):  # session, user, roles, count, page
        response = client.get(SEARCH)
    assert response.status_code == 200
    assert len(response.context["events"]) == min(50, AuditEvent.objects.count())
    assert 'data-testid="audit-events"' in response.content.decode()


def test_second_page_keeps_the_filters(client, auditor, clerk):
    record_events(55, actor=clerk)
    record_events(3, actor=auditor)
    client.force_login(auditor)
    first = client.get(SEARCH, {"person": clerk.username})
    assert len(first.context["events"]) == 50
    cursor = first.context["page"].next_cursor
    assert f"person={clerk.username}&amp;after={cursor}" in first.content.decode()
    second = client.get(SEARCH, {"person": clerk.username, "after": cursor})
    assert not second.context["page"].next_cursor
    # What the clerk did and what happened to the clerk's account (the role granted when the fixture was made).
    expected = AuditEvent.objects.filter(Q(actor=clerk) | Q(object_type="auth.user", object_id=str(clerk.pk)))
    assert _shown_ids(first) + _shown_ids(second) == list(expected.order_by("-id").values_list("pk", flat=True))
    assert len(_shown_ids(second)) >= 5
    assert f"person={clerk.username}" in second.content.decode()  # "First page" keeps the filter


def test_timeline_lists_an_objects_events_in_time_order_in_one_query(clerk, organisation, django_assert_num_queries):
    first = audit_record(
        actor=clerk, action="application.submitted", obj=organisation, to_state="submitted", public=True
    )
    internal = audit_record(actor=clerk, action="task.claimed", obj=organisation)
    last = audit_record(actor=None, action="application.filed", obj=organisation, from_state="on_notice", public=True)
    with django_assert_num_queries(1):
        everything = [event.actor_display for event in timeline_for(obj=organisation, public_only=False)]
    assert len(everything) == 3
    public = list(timeline_for(object_type="cases.organisation", object_ids=[organisation.pk], public_only=True))
    assert public == [first, last] and internal not in public


def test_timeline_template_shows_time_actor_label_and_states(clerk, organisation):
    audit_record(
        actor=clerk, action="application.submitted", obj=organisation, from_state="draft", to_state="submitted"
    )
    audit_record(actor=None, action="custom.unlabelled", obj=organisation)
    with translation.override("en"):
        html = render_to_string("audits/_timeline.html", {"events": timeline_for(obj=organisation, public_only=False)})
    assert "Application submitted" in html and "draft → submitted" in html
    assert clerk.get_full_name() in html
    assert "custom.unlabelled" in html and "System" in html


def test_admin_shows_events_read_only(admin_client):
    event = record_events(1)[0]
    assert admin_client.get("/admin/audits/auditevent/").status_code == 200
    assert admin_client.get("/admin/audits/auditevent/add/").status_code == 403
    change = admin_client.get(f"/admin/audits/auditevent/{event.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert admin_client.get(f"/admin/audits/auditevent/{event.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/audits/auditevent/", {"q": "0", "action": "test.happened"}).status_code == 200
