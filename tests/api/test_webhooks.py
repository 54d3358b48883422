"""Webhooks: status changes read from the audit trail, signed, delivered to a local receiver, retried."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import TestCase
from django.utils import timezone

from api import services, webhooks
from api.models import WebhookDelivery
from cases.certificates.services import batches as batch_services
from cases.supervision.services import cases as supervision
from tests.certificates.conftest import make_plan

pytestmark = pytest.mark.django_db


class Receiver:
    """An HTTP server on 127.0.0.1 that records what it receives and answers with `status`."""

    def __init__(self):
        self.received, self.status = [], 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/filing"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def endpoint(receiver, organisation, applicant, filing):
    endpoint, secret = services.webhook_create(
        organisation=organisation, actor=applicant, url=receiver.url, kinds=["application", "batch", "rectification"]
    )
    webhooks.outbox_run()  # the events before the endpoint existed are behind the cursor
    WebhookDelivery.objects.all().delete()
    return endpoint, secret


def _deliver_all():
    created = webhooks.outbox_run()
    for pk in webhooks.due_deliveries().values_list("pk", flat=True):
        webhooks.deliver(pk)
    return created


def test_a_status_change_is_delivered_signed_and_only_once(endpoint, receiver, filing, applicant):
    _endpoint, secret = endpoint
    plan = make_plan(filing, applicant, level=4)
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = batch_services.result_batch_create(plan=plan, actor=applicant)
    assert _deliver_all() == 1
    assert _deliver_all() == 0  # the cursor moved: nothing twice
    headers, body = receiver.received[0]
    payload = json.loads(body)
    assert payload["event"] == "resultbatch.created" and payload["to_state"] == "draft"
    assert payload["object"] == {"type": "result_batch", "id": batch.pk, "number": batch.number}
    expected = hmac.new(secret.encode(), headers["X-Filing-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["X-Filing-Signature"] == "sha256=" + expected.hexdigest()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.response_status == 204 and delivery.attempts == 1
    assert headers["X-Filing-Delivery"] == str(delivery.pk)
    webhooks.deliver(delivery.pk)  # a repeated job sends nothing
    assert len(receiver.received) == 1


def test_a_failing_receiver_is_retried_with_backoff_then_given_up(endpoint, receiver, filing, applicant, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.status = 500
    plan = make_plan(filing, applicant, level=4)
    batch_services.result_batch_create(plan=plan, actor=applicant)
    _deliver_all()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.response_status == 500
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert not webhooks.due_deliveries().exists()  # not before the pause
    for _attempt in range(2):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        webhooks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 3 and len(receiver.received) == 3
    receiver.status = 200
    assert webhooks.send_due() == 0


def test_an_unannounced_inspection_is_never_sent(endpoint, receiver, filing, supervisor):
    from tests.factories import UserFactory
    from workflow import roles

    case = supervision.case_open(filing=filing, trigger="other", summary="专项检查", actor=supervisor)
    inspectors = [UserFactory(username=f"t-hook-inspector-{n}", roles=[roles.INSPECTOR]) for n in range(2)]
    supervision.case_plan_inspection(
        case=case, actor=supervisor, inspection_date=timezone.localdate(), leader=inspectors[0], members=inspectors[1:]
    )
    _deliver_all()
    assert receiver.received == []


def test_other_organisations_and_switched_off_endpoints_receive_nothing(
    endpoint, receiver, filing, applicant, other_body
):
    organisation, user = other_body
    other_receiver = Receiver()
    try:
        services.webhook_create(organisation=organisation, actor=user, url=other_receiver.url, kinds=["batch"])
        services.webhook_disable(endpoint=endpoint[0], actor=applicant)
        batch_services.result_batch_create(plan=make_plan(filing, applicant, level=4), actor=applicant)
        _deliver_all()
        assert receiver.received == [] and other_receiver.received == []
    finally:
        other_receiver.close()


def test_receivers_must_be_https_outside_loopback(organisation, applicant, settings):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.webhook_create(organisation=organisation, actor=applicant, url="http://example.cn/h", kinds=["batch"])
    settings.WEBHOOK_ALLOW_LOOPBACK_HTTP = False
    with pytest.raises(ValidationError):
        services.webhook_create(organisation=organisation, actor=applicant, url="http://127.0.0.1/h", kinds=["batch"])


def test_the_periodic_job_is_in_the_beat_schedule():
    from config.celery import app

    assert app.conf.beat_schedule["webhook-outbox"]["task"] == "api.webhook_outbox"
