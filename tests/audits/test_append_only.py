import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from audits.chain import verify_chain
from audits.models import AuditEvent
from audits.purge import flush_may_purge
from tests.audits.helpers import record_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_database_refuses_to_update_an_event():
    event = record_events(1)[0]
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        event.action = "forged"
        event.save()
    event.refresh_from_db()
    assert event.action == "test.happened"


def test_database_refuses_to_delete_an_event():
    event = record_events(1)[0]
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# Transactional: PostgreSQL will not TRUNCATE inside the transaction that inserted the rows.
ONLY_AUDITS = pytest.mark.django_db(transaction=True, available_apps=["audits"])


@ONLY_AUDITS
def test_flush_cannot_empty_the_trail_outside_the_test_suite():
    record_events(1)
    with flush_may_purge(False), pytest.raises(CommandError) as error:
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert "append-only" in str(error.value.__cause__)
    assert AuditEvent.objects.exists()


@ONLY_AUDITS
def test_flush_empties_the_trail_when_the_test_suite_allows_it():
    record_events(2)
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert not AuditEvent.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():  # and the guard is back afterwards
        record_events(1)[0].delete()


@ONLY_AUDITS
def test_transactional_tests_can_tear_down_with_events_recorded():
    record_events(3)  # the teardown's flush would fail if the guard were not lifted


def _record_at(moment: datetime.datetime, count: int, monkeypatch) -> list:
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        return record_events(count)


def _purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_audit", *args, stdout=out)
    return out.getvalue()


def _days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def test_purge_deletes_only_events_older_than_the_date_and_the_chain_still_verifies(monkeypatch):
    old = _record_at(timezone.now() - datetime.timedelta(days=400), 3, monkeypatch)
    recent = record_events(2)
    assert "3 events would be deleted." in _purge("--before", _days_ago(200), "--dry-run")
    assert "3 events deleted." in _purge("--before", _days_ago(200))
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    purge = AuditEvent.objects.get(action="audit.purged")
    assert purge.data["deleted"] == 3 and purge.data["first_kept_id"] == recent[0].pk
    assert verify_chain() == 3


def test_purging_every_event_keeps_a_verifiable_chain(monkeypatch):
    _record_at(timezone.now() - datetime.timedelta(days=400), 4, monkeypatch)
    assert "4 events deleted." in _purge("--before", _days_ago(190))
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["audit.purged"]
    assert verify_chain() == 1
    record_events(1)
    assert verify_chain() == 2


def test_purge_refuses_dates_inside_the_retention_period(settings, monkeypatch):
    settings.AUDIT_RETENTION_DAYS = 30  # below the legal minimum: 183 days still apply
    _record_at(timezone.now() - datetime.timedelta(days=100), 1, monkeypatch)
    with pytest.raises(CommandError, match="kept for 183 days"):
        _purge("--before", _days_ago(50))
    assert AuditEvent.objects.count() == 1


def test_purge_rejects_a_malformed_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _purge("--before", "2024/01/01")
