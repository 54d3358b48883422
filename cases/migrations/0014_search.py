"""Search indexes of the registry: the public directory finds a body by any part of its name.

PostgreSQL: a trigram index (pg_trgm) on UPPER(name), the very expression Django's icontains compares,
so `name LIKE '%...%'` is answered from the index. SQLite (the embedded default): an FTS5 table with the
trigram tokenizer over the organisations' names, kept in step by triggers, read by
cases.registry.selectors.directory_search. SQLite drops a table's triggers when Django rebuilds the table
(most AlterField/RemoveField operations on Organisation): such a migration must create them again.
"""

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS cases_organisation_name_trgm"
    " ON cases_organisation USING gin ((UPPER(name::text)) gin_trgm_ops)",
]
POSTGRESQL_REVERSE = ["DROP INDEX IF EXISTS cases_organisation_name_trgm"]

SQLITE = [
    "CREATE VIRTUAL TABLE cases_organisation_fts USING fts5("
    "name, content='cases_organisation', content_rowid='id', tokenize='trigram')",
    """
    CREATE TRIGGER cases_organisation_fts_insert AFTER INSERT ON cases_organisation BEGIN
        INSERT INTO cases_organisation_fts (rowid, name) VALUES (new.id, new.name);
    END
    """,
    """
    CREATE TRIGGER cases_organisation_fts_delete AFTER DELETE ON cases_organisation BEGIN
        INSERT INTO cases_organisation_fts (cases_organisation_fts, rowid, name) VALUES ('delete', old.id, old.name);
    END
    """,
    """
    CREATE TRIGGER cases_organisation_fts_update AFTER UPDATE OF name ON cases_organisation BEGIN
        INSERT INTO cases_organisation_fts (cases_organisation_fts, rowid, name) VALUES ('delete', old.id, old.name);
        INSERT INTO cases_organisation_fts (rowid, name) VALUES (new.id, new.name);
    END
    """,
    "INSERT INTO cases_organisation_fts (cases_organisation_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS cases_organisation_fts_update",
    "DROP TRIGGER IF EXISTS cases_organisation_fts_delete",
    "DROP TRIGGER IF EXISTS cases_organisation_fts_insert",
    "DROP TABLE IF EXISTS cases_organisation_fts",
]

FORWARD = {"postgresql": POSTGRESQL, "sqlite": SQLITE}
REVERSE = {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_selection")]
    operations = [migrations.RunPython(_run(FORWARD), _run(REVERSE))]
