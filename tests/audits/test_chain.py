import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audits.chain import compute_hash, event_fields
from audits.models import AuditEvent
from tests.audits.helpers import drop_update_trigger, record_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _verify(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_audit_chain", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_intact_chain_verifies_in_chunks_and_reports_progress():
    record_events(7)
    total = AuditEvent.objects.count()
    out, err = _verify("--chunk", "3")
    assert f"OK: {total} events verified" in out
    assert err.count("events verified (up to event") == -(-total // 3)


def test_empty_trail_verifies():
    assert not AuditEvent.objects.exists()
    assert "OK: 0 events verified" in _verify()[0]


def test_changed_row_makes_the_verifier_fail_naming_it():
    events = record_events(5)
    tampered = events[2]
    drop_update_trigger()
    AuditEvent.objects.filter(pk=tampered.pk).update(data={"forged": True})
    with pytest.raises(CommandError, match=rf"^Event {tampered.pk}: hash mismatch"):
        _verify("--chunk", "2")


def test_rehashed_row_breaks_the_link_of_the_next_event():
    events = record_events(4)
    tampered = events[1]
    tampered.to_state = "filed"
    drop_update_trigger()
    AuditEvent.objects.filter(pk=tampered.pk).update(
        to_state="filed", hash=compute_hash(tampered.prev_hash, event_fields(tampered))
    )
    with pytest.raises(CommandError, match=rf"^Event {events[2].pk}: broken link .*event {tampered.pk}\)"):
        _verify()


def test_missing_first_events_are_reported():
    events = record_events(3)
    with connection.cursor() as cursor:  # dropping the guard, as someone with database access could
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('audits.allow_purge', 'on', true)")
        else:
            cursor.execute("INSERT INTO audits_purgeguard (id) VALUES (1)")
    AuditEvent.objects.filter(pk__lt=events[1].pk).delete()
    with pytest.raises(CommandError, match=rf"^Event {events[1].pk}: broken link \(the first event"):
        _verify()


def test_bad_chunk_size_is_refused():
    with pytest.raises(CommandError, match="--chunk"):
        _verify("--chunk", "0")
