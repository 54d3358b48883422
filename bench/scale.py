"""To-do lists, audit search, directory and certificate list at 10 k / 100 k / 1 M tasks (PostgreSQL).

Builds a throw-away PostgreSQL database (BENCH_DATABASE_URL, default filing_bench_scale on 127.0.0.1; it is
dropped and created again) and files `--bodies` bodies (seed_registry). Two families of template cases then
run through the real services: four filing cases (submitted, claimed, accepted, returned) and one result
batch of a filed body, planned, imported, submitted and approved (its certificates registered). Their rows
(processes, tasks, task deadlines, to-do rows, scope items; plans, batches, candidates, certificates) and
their audit events are the templates. Copies are inserted in bulk (one INSERT ... SELECT over
generate_series per table, ids shifted per copy, spread over the bodies, 200 clerks and two years), with
the tables' secondary indexes and foreign keys dropped during the load and created (and checked) again
after it; the audit events of each copy are chained in order and loaded with COPY, so that the data is
shaped like real flows. A tenth of the filing copies fall to the first clerk, so that the measured clerk
is the busiest one (the deepest inbox and archive).

At each size (tasks; the certificates grow to the same number) a generated queued task is claimed and
completed and a generated claimed task completed, through the services; every list is requested through
the test client: SQL queries, p50, p95 and the ratio of p95 to a bare view returning a constant measured
in the same run, repeated `--rounds` times side by side (the best round is kept: the machine is shared);
and EXPLAIN of every query a list page runs must read each large table through an index (no sequential
or bitmap scan of a table of more than 10,000 rows). The default builds 10 k and 100 k tasks in a few
minutes; `--sizes 10000,100000,1000000` adds the 1 M run (about 15-25 minutes on 2 cores).

    cd bench && DEBUG=1 ../.venv/bin/python scale.py [--sizes 10000,100000[,1000000]] [--bodies 10000]
        [--requests 40] [--rounds 2]
"""

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# The project on the path, not bench/ (its api.py would hide the project's api package).
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent)]
os.chdir(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
CLERKS = 200
BUSY_SHARE = 10  # one copy in BUSY_SHARE goes to the first clerk
LARGE = 10_000  # a table with more rows than this must be read through an index


def _psql(url: str, sql: str) -> None:
    parts = urlsplit(url)
    admin = [
        "psql",
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
    ]
    subprocess.run([*admin, "-d", "postgres", "-qc", sql], check=True)


def fresh_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    _psql(url, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(url, f'CREATE DATABASE "{name}"')


def setup_django(url: str):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-scale-media-"))
    # The demo signing keys, made for this run: the template cases' steps sign their documents.
    os.environ.setdefault("DOCUMENT_SIGNING_DEMO_DIR", tempfile.mkdtemp(prefix="bench-scale-signing-"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("document_signing_demo", verbosity=0, stdout=open(os.devnull, "w"))
    from django.conf import settings

    settings.ROOT_URLCONF = "bench._scale_urls"
    settings.ALLOWED_HOSTS = ["*"]
    settings.BACKGROUND_JOBS = "inline"


# The templates: real cases, through the services


def build_filing_templates():
    from django.contrib.auth.models import Group, User
    from viewflow.workflow.models import Task

    from cases.applications import services as apply
    from cases.applications.simulation import complete_draft, new_applicant
    from cases.models import Occupation
    from workflow import roles
    from workflow.tasks import task_claim

    rng = random.Random(12)
    clerk = User.objects.create_user("bench-template-clerk", password="bench-12345")
    Group.objects.get(name=roles.CLERK).user_set.add(clerk)
    applicant, organisation = new_applicant(rng, 900001)
    occupation = Occupation.objects.order_by("pk").first()
    stages = {}
    for stage in ("submitted", "claimed", "accepted", "returned"):
        draft = complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=rng)
        apply.application_submit(application=draft, actor=applicant)
        draft.refresh_from_db()
        review = Task.objects.get(process_id=draft.process_id, flow_task_type="HUMAN", status="NEW")
        if stage == "claimed":
            task_claim(task_id=review.pk, actor=clerk)
        elif stage == "accepted":
            apply.application_accept(application=draft, actor=clerk)
        elif stage == "returned":
            apply.application_return(application=draft, actor=clerk, deficiencies=["营业执照副本不清晰"])
        stages[stage] = draft.pk
    return clerk, stages


def build_batch_template(size: int):
    """One filed body's result batch of `size` candidates, planned, imported, submitted and approved."""
    from django.contrib.auth.models import Group, User

    from cases.applications.simulation import new_applicant
    from cases.certificates.demo import file_body, register_batch
    from cases.models import Occupation
    from workflow import roles

    rng = random.Random(13)
    reviewer = User.objects.create_user("bench-template-reviewer", password="bench-12345")
    Group.objects.get(name=roles.SUPERVISOR).user_set.add(reviewer)
    approver = User.objects.create_user("bench-template-approver", password="bench-12345")
    Group.objects.get(name=roles.APPROVER).user_set.add(approver)  # enters the template body in the registry
    user, organisation = new_applicant(rng, 900002)
    occupation = Occupation.objects.filter(active=True).order_by("pk").first()
    levels = sorted(occupation.levels, reverse=True)[:2]
    filing = file_body(
        user=user, organisation=organisation, scope=[(occupation.code, occupation.trade, levels)], rng=rng
    )
    batch = register_batch(filing=filing, user=user, reviewer=reviewer, size=size, rng=rng)
    return reviewer, batch


def make_clerks() -> list[int]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from workflow import roles

    password = make_password("bench-12345")
    users = User.objects.bulk_create(User(username=f"bench-clerk-{n:03d}", password=password) for n in range(CLERKS))
    group = Group.objects.get(name=roles.CLERK)
    User.groups.through.objects.bulk_create(User.groups.through(user_id=u.pk, group_id=group.pk) for u in users)
    return [u.pk for u in users]


class Family:
    """The template rows of one kind of case, table by table, and how a copy of each row is made.

    tables: table -> (its id column, {column holding an id of another table of the family: that table});
    where: table -> SQL condition on `t` selecting the template rows (an id range, which may have gaps: an
    upsert that updates takes a sequence value too); a copy's ids are the template's moved by the range's span;
    overrides: table -> {column: SQL expression}; every other date or timestamp column is moved back by the
    copy's shift, ids are shifted into the copy's range, and the rest is copied as it is. The expressions see
    the template row `t`, the copy number `k`, the copy's body `b` (bench_bodies), clerk `c` (bench_clerks) and,
    on to-do rows, the task's case `s` (bench_subjects).
    """

    def __init__(self, cursor, name, tables, where, overrides, subject_table, actor_id=None):
        self.name, self.tables, self.where, self.overrides = name, tables, where, overrides
        self.subject_table, self.actor_id = subject_table, actor_id
        self.range, self.rows = {}, {}
        for table, (key, _refs) in tables.items():
            if key is None:
                continue
            cursor.execute(f"SELECT min({key}), max({key}), count(*) FROM {table} t WHERE {where[table]}")
            low, high, count = cursor.fetchone()
            assert count, (name, table)
            self.range[table], self.rows[table] = (low, high - low + 1), count
        self.bases: dict[str, int] = {}

    def per_copy(self, table: str) -> int:
        return self.rows[table]

    def new(self, table: str, column_sql: str) -> str:
        low, span = self.range[table]
        # The base (the first id of the copies) is known when the copies are made: clone() puts it in.
        return f"(@@BASE:{table}@@ + (k - 1)::bigint * {span} + ({column_sql} - {low}))"

    def with_bases(self, sql: str) -> str:
        for table, base in self.bases.items():
            sql = sql.replace(f"@@BASE:{table}@@", str(base))
        assert "@@BASE:" not in sql, sql
        return sql


SHIFT = "((({first} + k) * 7) % 720)"  # days: copies spread over two years
CLERK_OF_COPY = f"CASE WHEN ({{first}} + k) % {BUSY_SHARE} = 0 THEN 0 ELSE ({{first}} + k) % {CLERKS} END"


def filing_family(cursor, stages: dict, clerk_id: int) -> Family:
    ids = ",".join(str(pk) for pk in stages.values())
    process = f"(SELECT process_id FROM cases_filingapplication WHERE id IN ({ids}))"
    task = f"(SELECT id FROM viewflow_task WHERE process_id IN {process})"
    tables = {
        "cases_filingapplication": ("id", {"process_id": "viewflow_process"}),
        "cases_scopeitem": ("id", {"application_id": "cases_filingapplication"}),
        "viewflow_process": ("id", {"artifact_object_id": "cases_filingapplication"}),
        "viewflow_task": ("id", {"process_id": "viewflow_process"}),
        "viewflow_task_previous": ("id", {"from_task_id": "viewflow_task", "to_task_id": "viewflow_task"}),
        "workflow_taskdeadline": (None, {"task_id": "viewflow_task"}),  # keyed by its task
        "workflow_workitem": ("id", {"task_id": "viewflow_task"}),
    }
    where = {
        "cases_filingapplication": f"t.id IN ({ids})",
        "cases_scopeitem": f"t.application_id IN ({ids})",
        "viewflow_process": f"t.id IN {process}",
        "viewflow_task": f"t.process_id IN {process}",
        "viewflow_task_previous": f"t.to_task_id IN {task}",
        "workflow_taskdeadline": f"t.task_id IN {task}",
        "workflow_workitem": f"t.task_id IN {task}",
    }
    cursor.execute(
        "INSERT INTO bench_subjects SELECT x.id, a.id, a.number FROM viewflow_task x"
        f" JOIN cases_filingapplication a ON a.process_id = x.process_id WHERE a.id IN ({ids})"
    )
    owner = f"CASE WHEN t.{{c}} = {clerk_id} THEN c.id ELSE t.{{c}} END"
    family = Family(cursor, "filing", tables, where, {}, "cases_filingapplication", actor_id=clerk_id)
    family.overrides = {
        "cases_filingapplication": {
            "number": "t.number || '-' || " + family.new("cases_filingapplication", "t.id") + "::text",
            "organisation_id": "b.id",
        },
        "viewflow_task": {"owner_id": owner.format(c="owner_id")},
        "workflow_workitem": _work_overrides(family, owner),
    }
    return family


def batch_family(cursor, batch) -> Family:
    task = f"(SELECT id FROM viewflow_task WHERE process_id = {batch.process_id})"
    tables = {
        "cases_assessmentplan": ("id", {}),
        "cases_assessmentplan_examiners": ("id", {"assessmentplan_id": "cases_assessmentplan"}),
        "cases_resultbatch": ("id", {"plan_id": "cases_assessmentplan", "process_id": "viewflow_process"}),
        "cases_candidate": ("id", {"batch_id": "cases_resultbatch"}),
        "cases_certificate": ("id", {"batch_id": "cases_resultbatch", "candidate_id": "cases_candidate"}),
        "viewflow_process": ("id", {"artifact_object_id": "cases_resultbatch"}),
        "viewflow_task": ("id", {"process_id": "viewflow_process"}),
        "viewflow_task_previous": ("id", {"from_task_id": "viewflow_task", "to_task_id": "viewflow_task"}),
        "workflow_taskdeadline": (None, {"task_id": "viewflow_task"}),
        "workflow_workitem": ("id", {"task_id": "viewflow_task"}),
    }
    where = {
        "cases_assessmentplan": f"t.id = {batch.plan_id}",
        "cases_assessmentplan_examiners": f"t.assessmentplan_id = {batch.plan_id}",
        "cases_resultbatch": f"t.id = {batch.pk}",
        "cases_candidate": f"t.batch_id = {batch.pk}",
        "cases_certificate": f"t.batch_id = {batch.pk}",
        "viewflow_process": f"t.id = {batch.process_id}",
        "viewflow_task": f"t.process_id = {batch.process_id}",
        "viewflow_task_previous": f"t.to_task_id IN {task}",
        "workflow_taskdeadline": f"t.task_id IN {task}",
        "workflow_workitem": f"t.task_id IN {task}",
    }
    cursor.execute(f"INSERT INTO bench_subjects SELECT id, {batch.pk}, %s FROM {task} x", [batch.number])
    family = Family(cursor, "batch", tables, where, {}, "cases_resultbatch")
    certificate, candidate = family.new("cases_certificate", "t.id"), family.new("cases_candidate", "t.id")
    person = family.new("cases_candidate", "t.candidate_id")
    low, per_copy = family.range["cases_certificate"]
    # Certificate number: Y/S, ministry code and province of the template, the body's sequence, the year of
    # issue, the level, a serial unique per body (the copy's round over the bodies, then the row).
    serial = f"((({{first}} + k) / (SELECT count(*) FROM bench_bodies)) * {per_copy} + (t.id - {low}) + 1)"
    shift = SHIFT
    number = (
        "substr(t.number, 1, 7) || lpad((b.n + 100)::text, 6, '0')"
        f" || to_char(t.issued_on - {shift}, 'YY') || substr(t.number, 16, 1) || lpad({serial}::text, 6, '0')"
    )
    owned = {"organisation_id": "b.id"}
    family.overrides = {
        "cases_assessmentplan": {
            "number": "t.number || '-' || " + family.new("cases_assessmentplan", "t.id") + "::text",
            "filing_id": "b.filing_id",
            "occupation_id": "b.occupation_id",
            **owned,
        },
        "cases_resultbatch": {
            "number": "t.number || '-' || " + family.new("cases_resultbatch", "t.id") + "::text",
            **owned,
        },
        "cases_candidate": {"id_hash": f"md5({candidate}::text) || md5('c' || {candidate}::text)"},
        "cases_certificate": {
            "number": number,
            "verify_token": f"'bench' || {certificate}::text",
            "id_hash": f"md5({person}::text) || md5('c' || {person}::text)",
            "occupation_id": "b.occupation_id",
            "year": f"extract(year FROM t.issued_on - {shift})::int",
            "district_id": "b.district_id",
            "body_kind": "b.kind",
            "body_category": "b.category",
            **owned,
        },
        "workflow_workitem": _work_overrides(family, "t.{c}"),
    }
    return family


def _work_overrides(family: Family, owner: str) -> dict:
    subject = family.new(family.subject_table, "s.subject_id")
    return {
        "key": "'task:' || " + family.new("viewflow_task", "t.task_id") + "::text",
        "subject": f"replace(t.subject, s.number, s.number || '-' || {subject}::text)",
        "subject_url": f"replace(t.subject_url, '/' || s.subject_id || '/', '/' || {subject} || '/')",
        "url": "replace(t.url, '/' || t.task_id || '/', '/' || "
        + family.new("viewflow_task", "t.task_id")
        + " || '/')",
        "organisation_id": "b.id",
        "district_id": "b.district_id",
        "owner_id": owner.format(c="owner_id"),
        "finished_by_id": owner.format(c="finished_by_id"),
    }


def column_types(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return cursor.fetchall()


def clone(cursor, family: Family, copies: int, first: int) -> None:
    """`copies` copies of every template row of the family, in one INSERT ... SELECT per table."""
    for table, (key, _refs) in family.tables.items():
        if key is not None:
            cursor.execute(f"SELECT coalesce(max({key}), 0) + 1 FROM {table}")
            family.bases[table] = cursor.fetchone()[0]
    shift = SHIFT.format(first=first)
    for table, (key, refs) in family.tables.items():
        exprs = []
        overrides = family.overrides.get(table, {})
        for name, kind in column_types(cursor, table):
            if name in overrides:
                exprs.append(overrides[name].format(first=first))
            elif name == key:
                exprs.append(family.new(table, f"t.{name}"))
            elif name in refs:
                exprs.append(
                    family.new(refs[name], f"t.{name}::bigint")
                    + ("::text" if kind != "integer" and kind != "bigint" else "")
                )
            elif kind == "date":
                exprs.append(f"t.{name} - {shift}")
            elif kind.startswith("timestamp"):
                exprs.append(f"t.{name} - {shift} * interval '1 day'")
            else:
                exprs.append(f"t.{name}")
        join = "JOIN bench_subjects s ON s.task_id = t.task_id" if table == "workflow_workitem" else ""
        names = ", ".join(name for name, _kind in column_types(cursor, table))
        cursor.execute(
            family.with_bases(
                f"INSERT INTO {table} ({names}) SELECT {', '.join(exprs)} FROM {table} t {join}"
                f" CROSS JOIN generate_series(1, {copies}) AS k"
                f" JOIN bench_bodies b ON b.n = ({first} + k) % (SELECT count(*) FROM bench_bodies)"
                f" JOIN bench_clerks c ON c.n = {CLERK_OF_COPY.format(first=first)}"
                f" WHERE {family.where[table]}"
            )
        )


OBJECT_TABLES = {
    "cases.filingapplication": "cases_filingapplication",
    "cases.assessmentplan": "cases_assessmentplan",
    "cases.resultbatch": "cases_resultbatch",
    "cases.candidate": "cases_candidate",
    "cases.certificate": "cases_certificate",
    "viewflow.process": "viewflow_process",
    "viewflow.task": "viewflow_task",
}
AUDIT_COLUMNS = ("at", "actor_id", "actor_label", "action", "object_type", "object_id", "from_state", "to_state")
AUDIT_COLUMNS += ("data", "public", "request_id", "ip", "prev_hash", "hash")


def template_audit_events(cursor, family: Family) -> list[dict]:
    """The events of the family's template objects, oldest first (events on other objects are not copied)."""
    from audits.chain import HASHED_FIELDS
    from audits.models import AuditEvent

    conditions = AuditEvent.objects.none()
    for object_type, table in OBJECT_TABLES.items():
        if table in family.range:
            low, span = family.range[table]
            ids = [str(pk) for pk in range(low, low + span)]
            conditions |= AuditEvent.objects.filter(object_type=object_type, object_id__in=ids)
    return list(conditions.order_by("id").values(*HASHED_FIELDS))


class AuditTemplate:
    """One template event as canonical JSON and as a COPY line, with markers where a copy differs."""

    def __init__(self, event: dict, family: Family, clerk_labels: dict):
        from audits.chain import canonical

        fields = dict(event)
        self.table = OBJECT_TABLES.get(fields["object_type"])
        self.object_low = family.range[self.table][0] if self.table else None
        self.object_id = int(fields["object_id"]) if self.table else None
        self.actor = fields["actor_id"] == family.actor_id and family.actor_id is not None
        self.at = fields["at"]
        fields["at"] = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        fields["object_id"] = "@@OBJECT@@" if self.table else fields["object_id"]
        if self.actor:
            fields["actor_id"], fields["actor_label"] = "@@ACTOR@@", "@@LABEL@@"
        json_text = canonical(fields)
        self.canonical = json_text.replace('"2000-01-01T00:00:00.000000+00:00"', '"@@AT@@"').replace(
            '"@@ACTOR@@"', "@@ACTOR@@"
        )
        values = [fields[name] for name in AUDIT_COLUMNS[:-2]]
        values[0] = "@@AT@@"
        values[8] = json.dumps(values[8], ensure_ascii=False)
        self.line = "\t".join(_copy_text(value) for value in values)
        self.clerk_labels = clerk_labels


def clone_audit(cursor, family: Family, templates: list[AuditTemplate], copies: int, first: int, clerks) -> int:
    """The template events for every copy, object ids and actors mapped, chained in order, loaded by COPY."""
    import hashlib

    cursor.execute("SELECT hash FROM audits_auditevent ORDER BY id DESC LIMIT 1")
    row = cursor.fetchone()
    head = row[0] if row else "0" * 64
    count = 0
    sha = hashlib.sha256
    with cursor.cursor.copy(f"COPY audits_auditevent ({', '.join(AUDIT_COLUMNS)}) FROM STDIN") as copy:
        lines = []
        for k in range(1, copies + 1):
            shift = datetime.timedelta(days=((first + k) * 7) % 720)
            n = first + k
            clerk_n = 0 if n % BUSY_SHARE == 0 else n % CLERKS
            clerk, label = clerks[clerk_n], f"bench-clerk-{clerk_n:03d}"
            for event in templates:
                at = (event.at - shift).astimezone(datetime.UTC).isoformat(timespec="microseconds")
                text, line = event.canonical.replace("@@AT@@", at, 1), event.line.replace("@@AT@@", at, 1)
                if event.table:
                    low, per = family.range[event.table]
                    object_id = str(family.bases[event.table] + (k - 1) * per + (event.object_id - low))
                    text, line = text.replace("@@OBJECT@@", object_id, 1), line.replace("@@OBJECT@@", object_id, 1)
                if event.actor:
                    text = text.replace("@@ACTOR@@", str(clerk), 1).replace("@@LABEL@@", label, 1)
                    line = line.replace("@@ACTOR@@", str(clerk), 1).replace("@@LABEL@@", label, 1)
                digest = sha((head + text).encode("utf-8")).hexdigest()
                lines.append(f"{line}\t{head}\t{digest}\n")
                head = digest
                count += 1
            if len(lines) > 20_000:
                copy.write("".join(lines))
                lines = []
        copy.write("".join(lines))
    return count


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


class DeferredSchema:
    """The secondary indexes and foreign keys of the loaded tables: dropped for a bulk load, made again after.

    Creating an index over the whole table once is far cheaper than maintaining it row by row, and adding a
    foreign key back checks every row in one join instead of one deferred trigger per row.
    """

    def __init__(self, cursor, tables):
        names = list(tables)
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype IN ('f', 'u') AND conrelid::regclass::text = ANY(%s)",
            [names],
        )
        self.constraints = cursor.fetchall()
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
            [names],
        )
        self.indexes = cursor.fetchall()

    def drop(self, cursor):
        for table, name, _definition in self.constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _table, name, _definition in self.indexes:
            cursor.execute(f'DROP INDEX "{name}"')

    def create(self, cursor):
        for _table, _name, definition in self.indexes:
            cursor.execute(definition)
        # Unique constraints first: the foreign keys need the unique indexes they point at.
        for table, name, definition in sorted(self.constraints, key=lambda c: not c[2].startswith("UNIQUE")):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def counts(cursor) -> dict:
    found = {}
    for table in ("viewflow_task", "workflow_workitem", "cases_certificate", "audits_auditevent"):
        cursor.execute(f"SELECT count(*) FROM {table}")
        found[table] = cursor.fetchone()[0]
    return found


def grow(families, audit_templates, clerks, targets: dict, done: dict) -> tuple[dict, float]:
    """Copies of each family until its table reaches its target; returns the copies made and seconds."""
    from django.db import connection, transaction

    started = time.monotonic()
    with connection.cursor() as cursor:
        now = counts(cursor)
    plan = {}
    for family, (table, target) in zip(families, targets.items(), strict=True):
        plan[family.name] = max(0, (target - now[table]) // family.per_copy(table))
    if not any(plan.values()):
        return plan, 0.0
    tables = sorted({t for family in families for t in family.tables} | {"audits_auditevent"})
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        schema = DeferredSchema(cursor, tables)
        schema.drop(cursor)
        for family in families:
            copies = plan[family.name]
            if copies:
                clone(cursor, family, copies, done[family.name])
                clone_audit(cursor, family, audit_templates[family.name], copies, done[family.name], clerks)
        loaded = time.monotonic()
        schema.create(cursor)
        print(
            f"  loaded in {loaded - started:.0f} s, indexes and constraints made in {time.monotonic() - loaded:.0f} s"
        )
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
            key = next((f.tables[table][0] for f in families if table in f.tables), "id")
            if key:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), (SELECT max({key}) FROM {table}))"
                )
    for family in families:
        done[family.name] += plan[family.name]
    return plan, time.monotonic() - started


# Measuring


def sample_check() -> str:
    """A generated queued task claimed and completed, a generated claimed task completed, through the services."""
    from django.contrib.auth.models import User
    from viewflow.workflow.models import Task

    from cases.applications import services as apply
    from cases.models import FilingApplication
    from workflow.models import WorkItem
    from workflow.tasks import task_claim

    queued = FilingApplication.objects.filter(number__contains="-", state="submitted").order_by("-pk")
    queued = [a for a in queued[:50] if Task.objects.filter(process_id=a.process_id, status="NEW").exists()][0]
    claimed_task = Task.objects.filter(status="ASSIGNED", owner__username__startswith="bench-clerk-").order_by("-pk")[0]
    claimed = FilingApplication.objects.get(process_id=claimed_task.process_id)
    stranger = User.objects.filter(username__startswith="bench-clerk-").exclude(pk=claimed_task.owner_id).first()
    review = Task.objects.get(process_id=queued.process_id, status="NEW", flow_task_type="HUMAN")
    task_claim(task_id=review.pk, actor=stranger)
    assert WorkItem.objects.get(task_id=review.pk).owner_id == stranger.pk
    apply.application_accept(application=queued, actor=stranger)
    apply.application_accept(application=claimed, actor=claimed_task.owner)
    for application in (queued, claimed):
        application.refresh_from_db()
        assert application.state == "accepted", application.state
        done = WorkItem.objects.get(task__process_id=application.process_id, step="review")
        assert not done.is_open and done.finished_by_id is not None
    return f"claimed and accepted {queued.number} (queued), accepted {claimed.number} (claimed), through the services"


class Recorder:
    """The SQL a request runs (for the count and for EXPLAIN)."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, params))
        return execute(sql, params, many, context)


def timed(client, url: str, requests: int) -> list[float]:
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def list_urls(clerk, chief, reader) -> dict:
    from django.urls import reverse

    from audits.models import AuditEvent
    from cases.models import Certificate, Filing
    from workflow.models import WorkItem

    oldest = WorkItem.objects.filter(finished_by=clerk, is_open=False).order_by("finished_at", "id").first()
    deep = f"{oldest.finished_at.isoformat()}|{oldest.pk}" if oldest else ""
    old_event = AuditEvent.objects.order_by("id").values_list("id", flat=True)[100]
    old_certificate = Certificate.objects.order_by("id").values_list("id", flat=True)[30]
    filing = Filing.objects.order_by("pk").first()
    name = filing.organisation.name[2:5]
    certificates = reverse("certificates:certificate_list")
    district = filing.organisation.district.code
    return {
        "inbox": (clerk, reverse("tasks:inbox")),
        "queue": (clerk, reverse("tasks:queue")),
        "archive, first page": (clerk, reverse("tasks:archive")),
        "archive, deep page": (clerk, reverse("tasks:archive") + "?after=" + deep),
        "overdue (chief)": (chief, reverse("tasks:overdue")),
        # The filters read their own indexes (a rare kind, one district, one step) in the list's order.
        "queue, kind filter": (clerk, reverse("tasks:queue") + "?kind=batch"),
        "archive, district filter": (clerk, reverse("tasks:archive") + "?district=" + district),
        "overdue, step filter": (chief, reverse("tasks:overdue") + "?step=review"),
        "audit search": (chief, "/app/audits/"),
        "audit search, deep page": (chief, f"/app/audits/?after={old_event}"),
        "directory": (None, "/directory/"),
        "directory search": (None, "/directory/?q=" + name),
        "directory detail": (None, f"/directory/{filing.number}/"),
        "certificate list": (reader, certificates),
        "certificate list, deep": (reader, f"{certificates}?after={old_certificate}"),
    }


def large_tables(cursor) -> dict[str, float]:
    cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND reltuples > %s", [LARGE])
    return dict(cursor.fetchall())


def explain(queries, large: dict[str, float]) -> tuple[list[str], list[str]]:
    """The plan of the query reading the largest table, and every scan of a large table not through an index."""
    from django.db import connection

    main, offenders, biggest = [], [], 0.0
    for sql, params in queries:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        nodes = list(_walk((plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]))
        for node in nodes:
            if node.get("Relation Name") in large and node["Node Type"] in ("Seq Scan", "Bitmap Heap Scan"):
                offenders.append(f"{node['Node Type']} on {node['Relation Name']}")
        size = max((large.get(node.get("Relation Name"), 0.0) for node in nodes), default=0.0)
        if size > biggest:
            biggest, main = size, [_label(node) for node in nodes]
    return main, offenders


def _walk(node):
    yield node
    for child in node.get("Plans", []):
        yield from _walk(child)


def _label(node) -> str:
    return node["Node Type"] + (f" {node['Index Name']}" if "Index Name" in node else "")


def measure_size(size, urls, requests, rounds, large):
    """Every list beside the bare view, `rounds` times interleaved; the round with the lowest p95 is kept."""
    from django.db import connection
    from django.test import Client

    rows = {}
    for name, (user, path) in [("bare view (constant)", (None, "/bench/constant")), *urls.items()]:
        client = Client()
        if user is not None:
            client.force_login(user)
        client.get(path)  # warm
        recorder = Recorder()
        with connection.execute_wrapper(recorder):
            status = client.get(path).status_code
        if status != 200:  # reported, and the other lists still measured
            print(f"  {name}: HTTP {status} from {path}")
            continue
        plan, offenders = explain(recorder.queries, large) if name != "bare view (constant)" else ([], [])
        rows[name] = {"client": client, "path": path, "queries": len(recorder.queries), "plan": plan}
        rows[name]["offenders"] = offenders
        rows[name]["runs"] = []
    for _round in range(rounds):
        for row in rows.values():
            row["runs"].append(timed(row["client"], row["path"], requests))
    for row in rows.values():
        best = min(row["runs"], key=p95)
        row["p50"], row["p95"] = statistics.median(best), p95(best)
        row["spread"] = max(p95(run) for run in row["runs"]) / max(row["p95"], 0.001)
    return rows


def report(size, rows) -> None:
    bare = rows["bare view (constant)"]["p95"]
    print(f"  {'list':<26} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'p95/bare':>9} {'spread':>7}  plan")
    for name, row in rows.items():
        verdict = "index scans" if not row["offenders"] else "NOT INDEXED: " + ", ".join(sorted(set(row["offenders"])))
        if name == "bare view (constant)":
            verdict = ""
        print(
            f"  {name:<26} {row['queries']:>7} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['p95'] / bare:>9.1f}"
            f" {row['spread']:>6.1f}x  {verdict}"
        )
    print("  plans of the main query of each list:")
    for name, row in rows.items():
        if row["plan"]:
            print(f"    {name:<24} {' > '.join(row['plan'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="task counts, e.g. 10000,100000,1000000")
    parser.add_argument("--bodies", type=int, default=10000)
    parser.add_argument("--batch-size", type=int, default=100, help="candidates of the template result batch")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/filing_bench_scale")
    fresh_database(url)
    setup_django(url)
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection

    from audits.chain import verify_chain
    from workflow import roles

    started = time.monotonic()
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}; {datetime.date.today()}")
    call_command("migrate", verbosity=0)
    call_command("seed_registry", count=args.bodies, verbosity=0)
    clerks = make_clerks()
    template_clerk, stages = build_filing_templates()
    _reviewer, batch = build_batch_template(args.batch_size)
    chief = User.objects.create_user("bench-chief")
    Group.objects.get(name=roles.CHIEF).user_set.add(chief)
    Group.objects.get(name=roles.AUDITOR).user_set.add(chief)  # the audit search, beside the chief's lists
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_clerks (n int PRIMARY KEY, id int)")
        cursor.executemany("INSERT INTO bench_clerks VALUES (%s, %s)", list(enumerate(clerks)))
        cursor.execute(
            "CREATE TABLE bench_bodies AS SELECT (row_number() OVER (ORDER BY f.id) - 1)::int AS n, o.id,"
            " f.id AS filing_id, o.district_id, o.kind, o.category,"
            " (SELECT min(s.occupation_id) FROM cases_filingscope s WHERE s.filing_id = f.id) AS occupation_id"
            " FROM cases_filing f JOIN cases_organisation o ON o.id = f.organisation_id"
            f" WHERE f.id <> {batch.plan.filing_id}"
        )
        cursor.execute("ALTER TABLE bench_bodies ADD PRIMARY KEY (n)")
        cursor.execute("CREATE TABLE bench_subjects (task_id int PRIMARY KEY, subject_id int, number text)")
        families = [filing_family(cursor, stages, template_clerk.pk), batch_family(cursor, batch)]
    labels = {pk: f"bench-clerk-{n:03d}" for n, pk in enumerate(clerks)}
    audit_templates = {}
    with connection.cursor() as cursor:
        for family in families:
            audit_templates[family.name] = [
                AuditTemplate(e, family, labels) for e in template_audit_events(cursor, family)
            ]
    filing, batches = families
    print(
        f"templates: {len(stages)} filing cases ({filing.per_copy('viewflow_task')} tasks,"
        f" {len(audit_templates['filing'])} audit events), one result batch"
        f" ({batches.per_copy('cases_certificate')} certificates, {batches.per_copy('viewflow_task')} tasks,"
        f" {len(audit_templates['batch'])} audit events); setup {time.monotonic() - started:.0f} s"
    )
    reader = User.objects.get(pk=clerks[0])
    done = {family.name: 0 for family in families}
    results = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        targets = {"viewflow_task": size, "cases_certificate": size}
        # The batches' own tasks count among the tasks: the filing copies make up the rest.
        with connection.cursor() as cursor:
            now = counts(cursor)
        certificate_copies = max(0, (size - now["cases_certificate"]) // batches.per_copy("cases_certificate"))
        targets["viewflow_task"] = size - certificate_copies * batches.per_copy("viewflow_task")
        print(f"\n== {size:,} tasks")
        plan, took = grow(families, audit_templates, clerks, targets, done)
        with connection.cursor() as cursor:
            now = counts(cursor)
            large = large_tables(cursor)
        print(
            f"  {now['viewflow_task']:,} tasks, {now['workflow_workitem']:,} to-do rows, {now['cases_certificate']:,}"
            f" certificates, {now['audits_auditevent']:,} audit events; +{plan} copies in {took:.0f} s"
        )
        print("  " + sample_check())
        rows = measure_size(
            size, list_urls(User.objects.get(pk=clerks[0]), chief, reader), args.requests, args.rounds, large
        )
        report(size, rows)
        results[size] = rows
    sizes = sorted(results)
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        print(f"\np95 at {last:,} / p95 at {first:,} (goal <= 1.5); p95 / bare view at each size:")
        for name in [n for n in results[first] if n in results[last]]:
            a, b = results[first][name], results[last][name]
            bare_a, bare_b = (results[s]["bare view (constant)"]["p95"] for s in (first, last))
            print(f"  {name:<26} {b['p95'] / a['p95']:>5.2f}   {a['p95'] / bare_a:>5.1f} -> {b['p95'] / bare_b:.1f}")
    verified = time.monotonic()
    print(f"\naudit chain verifies: {verify_chain():,} events in {time.monotonic() - verified:.0f} s")
    print(f"total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
