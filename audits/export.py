"""Streaming the trail out for archiving off the machine (JSON lines or CSV)."""

import csv
import datetime
import json
from collections.abc import Iterable, Iterator

from django.utils import timezone

from audits.models import AuditEvent

COLUMNS = (
    "id",
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
    "prev_hash",
    "hash",
)


def parse_day(text: str) -> datetime.date:
    """A YYYY-MM-DD date; ValueError otherwise."""
    return datetime.datetime.strptime(text, "%Y-%m-%d").date()


def start_of(day: datetime.date) -> datetime.datetime:
    """Local midnight (Asia/Shanghai) at the start of day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def export_chunks(*, since: datetime.date, chunk: int = 5000, using: str = "default") -> Iterator[list[dict]]:
    """Events recorded since local midnight of `since`, in chain order, `chunk` rows at a time."""
    events = AuditEvent.objects.using(using).filter(at__gte=start_of(since)).order_by("id")
    last_id = 0
    while rows := list(events.filter(id__gt=last_id).values(*COLUMNS)[:chunk]):
        yield [_exported(row) for row in rows]
        last_id = rows[-1]["id"]


def _exported(row: dict) -> dict:
    # Same time format as the hash input, so an archive can be re-verified on its own.
    return {**row, "at": row["at"].astimezone(datetime.UTC).isoformat(timespec="microseconds")}


def write_jsonl(rows: Iterable[dict], stream) -> None:
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")


def csv_writer(stream):
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    return writer


def write_csv(rows: Iterable[dict], writer) -> None:
    for row in rows:
        writer.writerow([_csv_value(row[column]) for column in COLUMNS])


def _csv_value(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value
