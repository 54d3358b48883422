"""Helpers shared by the audit tests."""

from django.db import connection

from audits.services import audit_record


def record_events(count: int, *, actor=None, action: str = "test.happened", **kwargs) -> list:
    return [
        audit_record(actor=actor, action=action, object_type="tests.thing", object_id=str(n), **kwargs)
        for n in range(count)
    ]


def drop_update_trigger() -> None:
    """Remove the UPDATE guard for this test only (the test transaction's rollback restores it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audits_auditevent_append_only ON audits_auditevent")
        else:
            cursor.execute("DROP TRIGGER audits_auditevent_no_update")
