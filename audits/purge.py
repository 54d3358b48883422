"""The only deletions the trail allows: a retention purge, and emptying a test database.

The triggers created by migration 0002 refuse UPDATE always and DELETE/TRUNCATE unless the
purge guard is lifted for the current transaction: on PostgreSQL the transaction-local
setting `audits.allow_purge`, on SQLite a row in the one-row table `audits_purgeguard`
(inserted and removed inside the same transaction, so no other connection ever sees it).
Anyone holding the database owner's credentials can still drop the triggers; tamper
evidence comes from the hash chain and from exports kept off the machine.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from audits.actions import TRAIL_PURGED
from audits.chain import lock_chain_head
from audits.models import AuditEvent
from audits.services import audit_record

MINIMUM_RETENTION_DAYS = 183  # Cybersecurity Law art. 21: network logs kept at least six months

_flush_may_purge = False


@contextmanager
def guard_lifted(using: str) -> Iterator[None]:
    """Allow DELETE/TRUNCATE on the trail until the end of this block (needs a transaction)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("guard_lifted() must run inside transaction.atomic()")
    if connection.vendor == "postgresql":
        _execute(using, "SELECT set_config('audits.allow_purge', 'on', true)")
        yield
        _execute(using, "SELECT set_config('audits.allow_purge', 'off', true)")
    elif connection.vendor == "sqlite":
        _execute(using, "INSERT INTO audits_purgeguard (id) VALUES (1)")
        yield
        _execute(using, "DELETE FROM audits_purgeguard")
    else:
        yield


def _execute(using: str, sql: str) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(sql)


def retention_days() -> int:
    return max(getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS), MINIMUM_RETENTION_DAYS)


def latest_purge_date() -> datetime.date:
    """The latest --before a purge accepts: everything newer is inside the retention period."""
    return timezone.localdate() - datetime.timedelta(days=retention_days())


def purge_before(*, before: datetime.date, dry_run: bool = False) -> int:
    """Delete the events recorded before `before` (local midnight) and record the purge; return the count.

    The deleted events are always a prefix of the chain. The purge event, appended first,
    names the hash the first kept event links to, so the shortened chain still verifies.
    """
    if before > latest_purge_date():
        raise ValueError(f"{before} is inside the retention period")
    start = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
    using = router.db_for_write(AuditEvent)
    with transaction.atomic(using=using):
        lock_chain_head(using)  # no appends while the boundary is chosen
        doomed = _events_before(start, using)
        count = doomed.count()
        if count == 0 or dry_run:
            return count
        last = doomed.order_by("-id").values("id", "hash").first()
        _record_purge(before=before, count=count, last=last, using=using)
        with guard_lifted(using):
            AuditEvent.objects.using(using).filter(id__lte=last["id"]).delete()
    return count


def _events_before(start: datetime.datetime, using: str):
    """The chain prefix that ends before the first event at or after start."""
    events = AuditEvent.objects.using(using)
    boundary = events.filter(at__gte=start).order_by("id").values_list("id", flat=True).first()
    return events.filter(id__lt=boundary) if boundary else events.all()


def _record_purge(*, before: datetime.date, count: int, last: dict, using: str) -> None:
    data = {
        "before": before,
        "deleted": count,
        "anchor_hash": last["hash"],
        "first_kept_id": _first_kept_id(last["id"], using),
        "retention_days": retention_days(),
    }
    audit_record(actor=None, action=TRAIL_PURGED, data=data)


def _first_kept_id(last_deleted_id: int, using: str) -> int | None:
    kept = AuditEvent.objects.using(using).filter(id__gt=last_deleted_id).order_by("id")
    return kept.values_list("id", flat=True).first()


@contextmanager
def flush_may_purge(allowed: bool = True) -> Iterator[None]:
    """Let `manage.py flush` empty the trail; the test suite's TransactionTestCase teardown needs it."""
    global _flush_may_purge
    saved, _flush_may_purge = _flush_may_purge, allowed
    try:
        yield
    finally:
        _flush_may_purge = saved


def flush_purge_allowed() -> bool:
    return _flush_may_purge
