import pytest
from django.db import connection, transaction
from django.test import RequestFactory

from audits.chain import GENESIS, compute_hash, event_fields, verify_chain
from audits.context import bound_context, context_from_request
from audits.models import AuditEvent
from audits.services import audit_record
from tests.audits.helpers import record_events

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_event_records_actor_object_states_and_links_to_the_previous_event(clerk, organisation):
    previous = AuditEvent.objects.order_by("-id").first()
    event = audit_record(
        actor=clerk, action="application.accepted", obj=organisation, from_state="submitted", to_state="accepted"
    )
    event.refresh_from_db()
    assert (event.actor, event.actor_label) == (clerk, clerk.username)
    assert (event.object_type, event.object_id) == ("cases.organisation", str(organisation.pk))
    assert (event.from_state, event.to_state) == ("submitted", "accepted")
    assert event.prev_hash == (previous.hash if previous else GENESIS)
    assert event.hash == compute_hash(event.prev_hash, event_fields(event))


def test_event_disappears_when_the_outer_transaction_rolls_back(clerk):
    with pytest.raises(Boom), transaction.atomic():
        audit_record(actor=clerk, action="application.accepted", object_type="tests.thing", object_id="1")
        raise Boom
    assert not AuditEvent.objects.filter(action="application.accepted").exists()
    verify_chain()


def test_failure_inside_recording_rolls_back_the_change_it_records(clerk, organisation):
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - any database error
        organisation.contact_name = "changed"
        organisation.save()
        audit_record(actor=clerk, action="x" * 300, obj=organisation)  # too long for the column on PostgreSQL
        if connection.vendor == "sqlite":  # SQLite does not enforce lengths
            raise Boom
    organisation.refresh_from_db()
    assert organisation.contact_name != "changed"


def test_recording_costs_the_chain_lookup_and_one_insert(django_assert_num_queries):
    record_events(1)
    expected = 3 if connection.vendor == "postgresql" else 2  # (advisory lock +) last hash + INSERT
    with transaction.atomic(), django_assert_num_queries(expected):
        audit_record(actor=None, action="test.cheap", object_type="tests.thing", object_id="1")


@pytest.mark.usefixtures("english")
def test_system_and_anonymous_actors_are_recorded_without_a_user():
    from django.contrib.auth.models import AnonymousUser

    event = audit_record(actor=AnonymousUser(), action="document.downloaded", object_type="t", object_id="1")
    assert (event.actor, event.actor_label, event.actor_display) == (None, "", "System")


def test_request_id_and_ip_come_from_the_request_context():
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="req-42", REMOTE_ADDR="2001:DB8:0:0::1")
    with bound_context(context_from_request(request)):
        event = audit_record(actor=None, action="test.context", object_type="t", object_id="1")
    event.refresh_from_db()
    assert (event.request_id, event.ip) == ("req-42", "2001:db8::1")
    assert verify_chain() >= 1


def test_malformed_request_id_header_is_replaced():
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="bad id; drop table", REMOTE_ADDR="not-an-ip")
    with bound_context(context_from_request(request)):
        event = audit_record(actor=None, action="test.context", object_type="t", object_id="1")
    assert len(event.request_id) == 32 and event.request_id.isalnum()
    assert event.ip is None


@pytest.mark.usefixtures("audit_middleware")
def test_middleware_gives_each_request_an_id_and_echoes_it(client, clerk):
    client.force_login(clerk)
    response = client.get("/healthz", HTTP_X_REQUEST_ID="from-proxy-1")
    assert response["X-Request-ID"] == "from-proxy-1"
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert first != second and len(first) == 32


@pytest.mark.usefixtures("audit_middleware")
def test_middleware_context_reaches_events_recorded_in_the_request(client, clerk):
    client.post("/accounts/login/", {"username": clerk.username, "password": "pw-for-tests"}, HTTP_X_REQUEST_ID="r-1")
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.request_id, event.ip) == ("r-1", "127.0.0.1")


def test_behind_a_trusted_proxy_the_client_address_is_the_one_forwarded(settings):
    settings.TRUSTED_PROXIES = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert context_from_request(request).ip == "203.0.113.7"
    settings.TRUSTED_PROXIES = []
    assert context_from_request(request).ip == "10.0.0.1"  # without the setting the header is not believed
