"""Recording audit events: the only way rows get into the trail.

The chain is one serial order, so appending to it takes one lock (audits.chain), held until the
transaction commits. Work that is long (a flow step: every lock holder of workflow.locks enters
`chained_at_commit`) holds its events back: on PostgreSQL they are chained as the transaction's last
statements, just before COMMIT (audits.backends.postgresql), so the lock is held for the chain lookup, one
INSERT and the commit itself, never around the step's own work. A savepoint rolled back drops its events
with it (they ride on Django's on-commit bookkeeping), so nothing is chained that did not happen. Elsewhere,
and on SQLite (whose writers queue on the database write lock anyway), an event is chained at once.
"""

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, models, router, transaction
from django.utils import timezone

from audits.chain import compute_hash, event_fields, lock_chain_head
from audits.context import current_context
from audits.models import AuditEvent
from audits.payload import clean_text, normalised


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    data: dict | None = None,
    public: bool = False,
    object_type: str | None = None,
    object_id: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (it rolls back with it).

    Inside `chained_at_commit` on PostgreSQL the event gets its place in the chain (id, time, hashes) when
    the transaction commits; the returned object has them from then on.
    """
    event = _unchained_event(actor=actor, action=action, obj=obj, data=data, public=public)
    event.from_state, event.to_state = str(from_state or ""), str(to_state or "")
    if object_type is not None:
        event.object_type = object_type
    if object_id is not None:
        event.object_id = clean_text(str(object_id))
    using = router.db_for_write(AuditEvent)
    connection = connections[using]
    if _chained_at_commit(connection):
        connection.audit_held_back = True
        transaction.on_commit(_HeldBack(event), using=using)
        return event
    # No savepoint: a failure here must fail the whole change being recorded.
    with transaction.atomic(using=using, savepoint=False):
        _chain(using, [event])
    return event


class _HeldBack:
    """An event waiting for its transaction's commit; an on-commit entry so that savepoint rollbacks drop it."""

    __slots__ = ("event",)

    def __init__(self, event: AuditEvent):
        self.event = event

    def __call__(self) -> None:
        """Nothing left to do after commit: the event was chained just before it."""


@contextmanager
def chained_at_commit(using: str | None = None) -> Iterator[None]:
    """Events recorded in this block are chained just before their transaction commits (see the module)."""
    connection = connections[using or router.db_for_write(AuditEvent)]
    connection.audit_hold_depth = getattr(connection, "audit_hold_depth", 0) + 1
    try:
        yield
    finally:
        connection.audit_hold_depth -= 1


def _chained_at_commit(connection) -> bool:
    """Whether to hold the event back: in `chained_at_commit`, inside a transaction of the code's own.

    The atomic blocks a test case wraps around each test never commit; there the code's own outermost block
    ends where a commit would be, and the backend chains when it releases that block's savepoint. A block
    without a savepoint (savepoint=False) releases nothing, so its events are chained at once.
    """
    if not getattr(connection, "chains_audit_at_commit", False) or not connection.in_atomic_block:
        return False
    if not getattr(connection, "audit_hold_depth", 0):
        return False
    blocks = connection.atomic_blocks
    first = next((n for n, block in enumerate(blocks) if not getattr(block, "_from_testcase", False)), None)
    if first is None:
        return False
    savepoint = first - (len(blocks) - len(connection.savepoint_ids))  # the outermost block has no savepoint
    return savepoint < 0 or connection.savepoint_ids[savepoint] is not None


def chain_held_back(connection) -> None:
    """Chain the transaction's held-back events (called by the backend right before COMMIT)."""
    connection.audit_held_back = False
    held, kept = [], []
    for entry in connection.run_on_commit:
        (held if isinstance(entry[1], _HeldBack) else kept).append(entry)
    if not held:
        return
    connection.run_on_commit = kept
    _chain(connection.alias, [entry[1].event for entry in held])


def _chain(using: str, events: list[AuditEvent]) -> None:
    """Take the chain lock, link the events in order after the head, insert them in one statement."""
    head = lock_chain_head(using)
    for event in events:
        event.prev_hash = head
        event.at = timezone.now()  # taken under the lock, so time order follows chain order
        event.hash = head = compute_hash(event.prev_hash, event_fields(event))
    if len(events) == 1:
        events[0].save(using=using, force_insert=True)
    else:
        AuditEvent.objects.using(using).bulk_create(events)


def _unchained_event(*, actor, action: str, obj, data, public: bool) -> AuditEvent:
    context = current_context()
    if actor is not None and not actor.is_authenticated:
        actor = None  # AnonymousUser
    event = AuditEvent(
        actor=actor,
        actor_label=clean_text(actor.get_username()) if actor is not None else "",
        action=action,
        data=normalised(data),
        public=public,
        request_id=context.request_id if context else "",
        ip=_ip(context.ip if context else None),
    )
    if obj is not None:
        event.object_type, event.object_id = obj._meta.label_lower, clean_text(str(obj.pk))
    return event


def _ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return None
    # The form the database gives back (IPv6 compressed), as the hash is checked against it.
    return AuditEvent._meta.get_field("ip").to_python(value)
