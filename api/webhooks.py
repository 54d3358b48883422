"""Webhooks: the audit trail is the outbox.

Every status change of an application, a result batch or a supervision case writes an AuditEvent in the
same transaction as the change. `outbox_run` reads the events after the last one it handled (the cursor),
turns those an organisation may see into one WebhookDelivery per subscribed endpoint (unique per
endpoint and event, so a second run or a concurrent one creates nothing twice) and moves the cursor, all
in one transaction. Ids are handed out under the audit chain's append lock, held to commit, so a
committed event never appears behind the cursor later.

`deliver` sends one delivery: POST of the JSON payload with
    X-Filing-Event, X-Filing-Delivery (the same on every retry), X-Filing-Timestamp,
    X-Filing-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
A 2xx answer delivers it; anything else is retried with growing pauses up to WEBHOOK_MAX_ATTEMPTS, then
marked failed. The row is claimed first (status "sending"), so two workers never send it at once.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from api.models import OutboxCursor, WebhookDelivery, WebhookEndpoint
from audits.models import AuditEvent
from cases.models import CaseState, FilingApplication, ResultBatch, SupervisionCase

logger = logging.getLogger(__name__)

CURSOR = "webhooks"
PAGE = 500
CLAIM_FOR = timedelta(minutes=2)  # a claimed delivery whose worker died is sent again after this

# audit object type -> (webhook kind, payload name)
KINDS = {
    "cases.filingapplication": (WebhookEndpoint.Kind.APPLICATION, "application"),
    "cases.resultbatch": (WebhookEndpoint.Kind.BATCH, "result_batch"),
    "cases.supervisioncase": (WebhookEndpoint.Kind.RECTIFICATION, "supervision_case"),
}
# A body learns of a supervision case only once inspected (cases.supervision.access.own_cases).
_HIDDEN_CASE_STATES = {CaseState.OPENED, CaseState.INSPECTING}


def _objects(events) -> dict:
    """(object type, id) -> (organisation id, number) for the events' objects, three queries at most."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.object_id.isdigit():
            wanted.setdefault(event.object_type, set()).add(int(event.object_id))
    found = {}
    for pk, org, number in FilingApplication.objects.filter(
        pk__in=wanted.get("cases.filingapplication", ())
    ).values_list("pk", "organisation_id", "number"):
        found["cases.filingapplication", pk] = (org, number)
    for pk, org, number in ResultBatch.objects.filter(pk__in=wanted.get("cases.resultbatch", ())).values_list(
        "pk", "organisation_id", "number"
    ):
        found["cases.resultbatch", pk] = (org, number)
    cases = SupervisionCase.objects.filter(pk__in=wanted.get("cases.supervisioncase", ())).exclude(
        outcome=SupervisionCase.Outcome.DISMISSED
    )
    for pk, org, number in cases.values_list("pk", "filing__organisation_id", "number"):
        found["cases.supervisioncase", pk] = (org, number)
    return found


def _visible_to_body(event) -> bool:
    if event.object_type == "cases.supervisioncase":
        return event.public and event.to_state not in _HIDDEN_CASE_STATES
    if event.object_type == "cases.filingapplication":
        return event.public
    return True  # a body sees every change of its own batches


def payload(event, *, kind_name: str, number: str) -> dict:
    return {
        "event": event.action,
        "event_id": event.pk,
        "occurred_at": event.at.isoformat(),
        "object": {"type": kind_name, "id": int(event.object_id), "number": number},
        "from_state": event.from_state,
        "to_state": event.to_state,
    }


def outbox_run(*, limit_pages: int = 20) -> int:
    """Turn new status-change events into deliveries; returns how many deliveries were created."""
    created = 0
    for _page in range(limit_pages):
        made, more = _outbox_page()
        created += made
        if not more:
            break
    return created


def _outbox_page() -> tuple[int, bool]:
    with transaction.atomic():
        OutboxCursor.objects.get_or_create(name=CURSOR)
        cursor = OutboxCursor.objects.select_for_update().get(name=CURSOR)
        events = list(
            AuditEvent.objects.filter(pk__gt=cursor.last_event_id, object_type__in=list(KINDS))
            .exclude(to_state="")
            .order_by("pk")[:PAGE]
        )
        if not events:
            return 0, False
        objects = _objects(events)
        organisations = {org for org, _number in objects.values()}
        endpoints: dict[int, list[WebhookEndpoint]] = {}
        for endpoint in WebhookEndpoint.objects.filter(organisation_id__in=organisations, active=True):
            endpoints.setdefault(endpoint.organisation_id, []).append(endpoint)
        deliveries = []
        for event in events:
            found = objects.get((event.object_type, int(event.object_id) if event.object_id.isdigit() else 0))
            if found is None or not _visible_to_body(event):
                continue
            organisation, number = found
            kind, kind_name = KINDS[event.object_type]
            for endpoint in endpoints.get(organisation, []):
                if kind in endpoint.kinds:
                    deliveries.append(
                        WebhookDelivery(
                            endpoint=endpoint,
                            event_id=event.pk,
                            event=event.action,
                            payload=payload(event, kind_name=kind_name, number=number),
                        )
                    )
        WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        cursor.last_event_id = events[-1].pk
        cursor.save(update_fields=["last_event_id", "updated_at"])
    return len(deliveries), len(events) == PAGE


def due_deliveries():
    now = timezone.now()
    return WebhookDelivery.objects.filter(
        Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
        | Q(status=WebhookDelivery.Status.SENDING, last_attempt_at__lt=now - CLAIM_FOR),
        endpoint__active=True,
    )


def send_due(limit: int = 200) -> int:
    """Queue each due delivery (an attempt each, as a Celery job)."""
    from workflow.background import enqueue

    pks = list(due_deliveries().order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    for pk in pks:
        enqueue("api.deliver_webhook", pk)  # by name: the jobs module imports this one
    return len(pks)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … doubling, at most 6 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def _claim(pk: int) -> bool:
    now = timezone.now()
    claimable = due_deliveries().filter(pk=pk)
    return (
        WebhookDelivery.objects.filter(pk__in=list(claimable.values_list("pk", flat=True))).update(
            status=WebhookDelivery.Status.SENDING, last_attempt_at=now
        )
        == 1
    )


def deliver(delivery_id: int) -> str:
    """One attempt at one delivery; returns its status afterwards. Safe to call any number of times."""
    if not _claim(delivery_id):
        return WebhookDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first() or "missing"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "skill-filing-webhooks/1",
            "X-Filing-Event": delivery.event,
            "X-Filing-Delivery": str(delivery.pk),
            "X-Filing-Timestamp": timestamp,
            "X-Filing-Signature": signature(endpoint.secret, timestamp, body),
        },
    )
    status, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as response:  # noqa: S310 (https only)
            status = response.status
    except urllib.error.HTTPError as failure:
        status, error = failure.code, f"HTTP {failure.code}"
    except (urllib.error.URLError, OSError, ValueError) as failure:
        error = f"{type(failure).__name__}: {failure}"[:1000]
    attempts = delivery.attempts + 1
    now = timezone.now()
    fields = {"attempts": attempts, "response_status": status, "last_error": error, "last_attempt_at": now}
    if status is not None and 200 <= status < 300:
        fields.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=now, last_error="")
    elif attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        fields.update(status=WebhookDelivery.Status.FAILED)
    else:
        fields.update(status=WebhookDelivery.Status.PENDING, next_attempt_at=now + backoff(attempts))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    if error:
        logger.info("Webhook delivery %s to %s: %s", delivery.pk, endpoint.url, error)
    return fields["status"]
