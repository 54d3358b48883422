import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audits.chain import compute_hash
from tests.audits.helpers import record_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _export(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _today() -> str:
    return timezone.localdate().isoformat()


def test_jsonl_export_streams_every_event_with_what_is_needed_to_reverify(clerk):
    events = record_events(5, actor=clerk, data={"note": "备注"})
    out, err = _export("--since", _today(), "--chunk", "2")
    rows = [json.loads(line) for line in out.splitlines()]
    exported = [row for row in rows if row["action"] == "test.happened"]
    assert [row["id"] for row in exported] == [event.pk for event in events]
    assert exported[0]["data"] == {"note": "备注"} and exported[0]["actor_label"] == clerk.username
    assert f"Exported {len(rows)} events." in err
    for row in exported:  # an archive can be checked without the database
        fields = {**row, "at": datetime.datetime.fromisoformat(row["at"])}
        assert compute_hash(row["prev_hash"], fields) == row["hash"]


def test_csv_export_has_a_header_and_one_row_per_event(tmp_path):
    record_events(3, data={"n": 1})
    target = tmp_path / "audit.csv"
    _export("--since", _today(), "--format", "csv", "--output", str(target))
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3
    assert rows[0]["action"] == "test.happened" and json.loads(rows[0]["data"]) == {"n": 1}
    assert rows[0]["public"] == "false" and len(rows[0]["hash"]) == 64


def test_export_since_a_later_date_is_empty():
    record_events(2)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    out, err = _export("--since", tomorrow)
    assert out == "" and "Exported 0 events." in err


@pytest.mark.parametrize("value", ["2024-13-01", "yesterday", "2024/01/01"])
def test_export_rejects_a_malformed_date(value):
    with pytest.raises(CommandError, match="use YYYY-MM-DD"):
        _export("--since", value)
