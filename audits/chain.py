"""The hash chain: canonical form of an event, appending under a lock, and verification."""

import datetime
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping

from django.db import connections

from audits.actions import TRAIL_PURGED
from audits.models import AuditEvent

GENESIS = "0" * 64
# Key of the PostgreSQL advisory lock that serialises appends ("AUDIT" in ASCII).
CHAIN_LOCK_KEY = 0x4155444954
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "from_state",
    "to_state",
    "data",
    "public",
    "request_id",
    "ip",
)


def canonical(fields: Mapping) -> str:
    """The event as compact JSON with sorted keys; time in UTC with microseconds."""
    body = {name: fields[name] for name in HASHED_FIELDS}
    body["at"] = fields["at"].astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(prev_hash: str, fields: Mapping) -> str:
    return hashlib.sha256((prev_hash + canonical(fields)).encode("utf-8")).hexdigest()


def event_fields(event: AuditEvent) -> dict:
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def lock_chain_head(using: str) -> str:
    """Take the append lock (until the transaction ends) and return the hash to chain onto.

    PostgreSQL: a transaction-level advisory lock; the read after it runs with a fresh
    snapshot (READ COMMITTED), so it sees the event the previous holder committed; under
    REPEATABLE READ it would not, and the unique prev_hash would refuse the fork.
    SQLite: the transaction began with BEGIN IMMEDIATE and holds the database write lock.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    head = AuditEvent.objects.using(using).order_by("-id").values_list("hash", flat=True).first()
    return head or GENESIS


class ChainBroken(Exception):
    """The first event at which the chain fails: kind is "hash", "link" or "start"."""

    def __init__(self, event_id: int, kind: str, previous_id: int | None = None):
        super().__init__(event_id, kind, previous_id)
        self.event_id, self.kind, self.previous_id = event_id, kind, previous_id


def verify_chain(
    *, chunk: int = 5000, using: str = "default", progress: Callable[[int, int], None] | None = None
) -> int:
    """Recompute every hash and link in id order; return the count or raise ChainBroken."""
    previous: dict | None = None
    count = 0
    for rows in _chunks(chunk, using):
        for row in rows:
            _check_link(row, previous, using)
            if compute_hash(row["prev_hash"], row) != row["hash"]:
                raise ChainBroken(row["id"], "hash")
            previous = row
        count += len(rows)
        if progress:
            progress(count, rows[-1]["id"])
    return count


def _chunks(size: int, using: str) -> Iterator[list[dict]]:
    # Keyset pagination on the primary key: constant memory and no OFFSET scans.
    columns = ("id", "prev_hash", "hash", *HASHED_FIELDS)
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.using(using).filter(id__gt=last_id).order_by("id").values(*columns)[:size])
        if not rows:
            return
        yield rows
        last_id = rows[-1]["id"]


def _check_link(row: dict, previous: dict | None, using: str) -> None:
    if previous is not None:
        if row["prev_hash"] != previous["hash"]:
            raise ChainBroken(row["id"], "link", previous["id"])
    elif row["prev_hash"] != GENESIS and not _anchored_by_purge(row, using):
        raise ChainBroken(row["id"], "start")


def _anchored_by_purge(row: dict, using: str) -> bool:
    """After a retention purge the first kept event links to a deleted one; the purge recorded which."""
    if row["action"] == TRAIL_PURGED and row["data"].get("anchor_hash") == row["prev_hash"]:
        return True  # everything before this purge was deleted
    purges = AuditEvent.objects.using(using).filter(
        action=TRAIL_PURGED, data__anchor_hash=row["prev_hash"], data__first_kept_id=row["id"]
    )
    return purges.exists()
