"""Make audits_auditevent append-only in the database itself.

UPDATE is always refused. DELETE (and TRUNCATE on PostgreSQL) is refused unless the purge
guard is lifted for the current transaction (see audits/purge.py): on PostgreSQL the
transaction-local setting audits.allow_purge = 'on', on SQLite a row in audits_purgeguard.
Emptying an already empty table is allowed (nothing is lost; the test database needs it).

SQLite drops a table's triggers when Django rebuilds the table (most AlterField/RemoveField
operations): a later migration that alters AuditEvent must create these triggers again.
"""

from django.db import migrations

MESSAGE = "audit trail is append-only"

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION audits_auditevent_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('audits.allow_purge', true) = 'on' THEN
            RETURN OLD;
        END IF;
        IF TG_OP = 'TRUNCATE' AND NOT EXISTS (SELECT 1 FROM audits_auditevent) THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER audits_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audits_auditevent
    FOR EACH ROW EXECUTE FUNCTION audits_auditevent_append_only()
    """,
    """
    CREATE TRIGGER audits_auditevent_no_truncate
    BEFORE TRUNCATE ON audits_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audits_auditevent_append_only()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audits_auditevent_no_truncate ON audits_auditevent",
    "DROP TRIGGER IF EXISTS audits_auditevent_append_only ON audits_auditevent",
    "DROP FUNCTION IF EXISTS audits_auditevent_append_only()",
]

SQLITE = [
    "CREATE TABLE audits_purgeguard (id integer NOT NULL PRIMARY KEY CHECK (id = 1))",
    f"""
    CREATE TRIGGER audits_auditevent_no_update BEFORE UPDATE ON audits_auditevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER audits_auditevent_no_delete BEFORE DELETE ON audits_auditevent
    WHEN NOT EXISTS (SELECT 1 FROM audits_purgeguard)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audits_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS audits_auditevent_no_update",
    "DROP TABLE IF EXISTS audits_purgeguard",
]

FORWARD = {"postgresql": POSTGRESQL, "sqlite": SQLITE}
REVERSE = {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]
    operations = [migrations.RunPython(_run(FORWARD), _run(REVERSE))]
