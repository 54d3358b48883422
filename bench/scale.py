"""To-do lists, audit search and directory at 10 k / 100 k / 1 M tasks (PostgreSQL).

Builds a throw-away PostgreSQL database (BENCH_DATABASE_URL, default filing_bench_scale on 127.0.0.1; it is
dropped and created again), files `--bodies` bodies (seed_registry), then runs four filing cases through
the real services (submitted, claimed, accepted, returned): their processes, tasks, task deadlines, to-do
rows, scope items and audit events are the templates. Copies of them are inserted in bulk (INSERT ...
SELECT over generate_series, ids shifted per copy, spread over the bodies, 200 clerks and two years), and
the audit events of each copy are chained in order and loaded with COPY, so that the data is shaped
exactly like real flows. At each size a generated queued task and a generated claimed task are accepted
through the services, every list is requested through the test client (queries, p50, p95 and the ratio
of p95 to a bare view returning a constant, measured in the same run), and EXPLAIN of each list query
must show no sequential scan. The machine is shared and noisy: compare ratios, not milliseconds.

    cd bench && DEBUG=1 ../.venv/bin/python scale.py [--sizes 10000,100000,1000000] [--requests 40]
"""

import argparse
import datetime
import io
import json
import os
import platform
import random
import statistics
import subprocess
import sys
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
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench._scale_urls"
    settings.ALLOWED_HOSTS = ["*"]
    settings.BACKGROUND_JOBS = "inline"


# The templates: real cases, through the services


def build_templates():
    from django.contrib.auth.models import Group, User

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
        from viewflow.workflow.models import Task

        review = Task.objects.get(process_id=draft.process_id, flow_task_type="HUMAN", status="NEW")
        if stage == "claimed":
            task_claim(task_id=review.pk, actor=clerk)
        elif stage == "accepted":
            apply.application_accept(application=draft, actor=clerk)
        elif stage == "returned":
            apply.application_return(application=draft, actor=clerk, deficiencies=["营业执照副本不清晰"])
        stages[stage] = draft.pk
    return clerk, applicant, stages


def make_clerks() -> list[int]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from workflow import roles

    password = make_password("bench-12345")
    users = User.objects.bulk_create(User(username=f"bench-clerk-{n:03d}", password=password) for n in range(CLERKS))
    group = Group.objects.get(name=roles.CLERK)
    User.groups.through.objects.bulk_create(User.groups.through(user_id=u.pk, group_id=group.pk) for u in users)
    return [u.pk for u in users]


TABLES = {  # table: the id column, and the columns holding ids of other cloned tables
    "cases_filingapplication": ("id", {"process_id": "viewflow_process"}),
    "cases_scopeitem": ("id", {"application_id": "cases_filingapplication"}),
    "viewflow_process": ("id", {"artifact_object_id": "cases_filingapplication"}),
    "viewflow_task": ("id", {"process_id": "viewflow_process"}),
    "viewflow_task_previous": ("id", {"from_task_id": "viewflow_task", "to_task_id": "viewflow_task"}),
    "workflow_taskdeadline": (None, {"task_id": "viewflow_task"}),  # keyed by its task
    "workflow_workitem": ("id", {"task_id": "viewflow_task"}),
}


class Templates:
    """The id ranges of the template rows of each table (contiguous: they are the only flows created)."""

    def __init__(self, cursor, application_ids, clerk_id):
        self.clerk_id = clerk_id
        self.where = {}
        ids = ",".join(str(pk) for pk in application_ids)
        process = f"(SELECT process_id FROM cases_filingapplication WHERE id IN ({ids}))"
        task = f"(SELECT id FROM viewflow_task WHERE process_id IN {process})"
        self.where = {
            "cases_filingapplication": f"t.id IN ({ids})",
            "cases_scopeitem": f"t.application_id IN ({ids})",
            "viewflow_process": f"t.id IN {process}",
            "viewflow_task": f"t.process_id IN {process}",
            "viewflow_task_previous": f"t.to_task_id IN {task}",
            "workflow_taskdeadline": f"t.task_id IN {task}",
            "workflow_workitem": f"t.task_id IN {task}",
        }
        self.range = {}
        for table, (key, _refs) in TABLES.items():
            if key is None:
                continue
            cursor.execute(f"SELECT min({key}), max({key}), count(*) FROM {table} t WHERE {self.where[table]}")
            low, high, count = cursor.fetchone()
            assert count and high - low + 1 == count, (table, low, high, count)
            self.range[table] = (low, count)


def columns(cursor, table: str) -> list[str]:
    from django.db import connection

    return [column.name for column in connection.introspection.get_table_description(cursor, table)]


def clone(cursor, templates: Templates, copies: int, first_copy: int, clerks: list[int]) -> None:
    """`copies` copies of every template row, in one INSERT ... SELECT per table."""
    bases = {}
    for table, (key, _refs) in TABLES.items():
        if key is None:
            continue
        cursor.execute(f"SELECT coalesce(max({key}), 0) + 1 FROM {table}")
        bases[table] = cursor.fetchone()[0]

    def new(table, column_sql):
        low, count = templates.range[table]
        return f"({bases[table]} + (k - 1)::bigint * {count} + ({column_sql} - {low}))"

    shift = f"((({first_copy} + k) * 7) % 720)"  # days: copies spread over two years
    clerk = f"(SELECT id FROM bench_clerks WHERE n = ({first_copy} + k) % {len(clerks)})"
    body = f"(SELECT id FROM bench_bodies WHERE n = ({first_copy} + k) % (SELECT count(*) FROM bench_bodies))"
    owner = f"CASE WHEN {{c}} = {templates.clerk_id} THEN {clerk} ELSE {{c}} END"
    app_of_task = (
        "(SELECT a.id FROM cases_filingapplication a JOIN viewflow_task x ON x.process_id = a.process_id"
        " WHERE x.id = t.task_id)"
    )
    overrides = {
        "cases_filingapplication": {
            "number": "t.number || '-' || " + new("cases_filingapplication", "t.id") + "::text",
            "organisation_id": body,
        },
        "viewflow_process": {"created": f"t.created - {shift} * interval '1 day'"},
        "viewflow_task": {
            "owner_id": owner.format(c="t.owner_id"),
            "created": f"t.created - {shift} * interval '1 day'",
            "assigned": f"t.assigned - {shift} * interval '1 day'",
            "started": f"t.started - {shift} * interval '1 day'",
            "finished": f"t.finished - {shift} * interval '1 day'",
        },
        "workflow_taskdeadline": {
            "started_on": f"t.started_on - {shift}",
            "due_on": f"t.due_on - {shift}",
        },
        "workflow_workitem": {
            "key": "'task:' || " + new("viewflow_task", "t.task_id") + "::text",
            "subject": "replace(t.subject, a.number, a.number || '-' || "
            + new("cases_filingapplication", "a.id")
            + "::text)",
            "subject_url": "replace(t.subject_url, '/' || a.id || '/', '/' || "
            + new("cases_filingapplication", "a.id")
            + " || '/')",
            "url": "replace(t.url, '/' || t.task_id || '/', '/' || " + new("viewflow_task", "t.task_id") + " || '/')",
            "organisation_id": body,
            "district_id": f"(SELECT district_id FROM cases_organisation WHERE id = {body})",
            "owner_id": owner.format(c="t.owner_id"),
            "finished_by_id": owner.format(c="t.finished_by_id"),
            "created_at": f"t.created_at - {shift} * interval '1 day'",
            "due_on": f"t.due_on - {shift}",
            "finished_at": f"t.finished_at - {shift} * interval '1 day'",
        },
    }
    for table, (key, refs) in TABLES.items():
        names = columns(cursor, table)
        exprs = []
        for name in names:
            if name in overrides.get(table, {}):
                exprs.append(overrides[table][name])
            elif name == key:
                exprs.append(new(table, f"t.{name}"))
            elif name in refs:
                exprs.append(new(refs[name], f"t.{name}"))
            else:
                exprs.append(f"t.{name}")
        join = ""
        if table == "workflow_workitem":
            join = f"JOIN cases_filingapplication a ON a.id = {app_of_task}"
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(exprs)} FROM {table} t {join}"
            f" CROSS JOIN generate_series(1, {copies}) AS k WHERE {templates.where[table]}"
        )
    return bases


def clone_audit(cursor, templates: Templates, template_events, bases, copies: int, first_copy: int, clerks) -> int:
    """The template cases' events for every copy, object ids and actors mapped, chained in order, by COPY."""
    from audits.chain import GENESIS, compute_hash

    cursor.execute("SELECT hash FROM audits_auditevent ORDER BY id DESC LIMIT 1")
    row = cursor.fetchone()
    head = row[0] if row else GENESIS
    table_of = {"cases.filingapplication": "cases_filingapplication", "viewflow.task": "viewflow_task"}
    names = ("at", "actor_id", "actor_label", "action", "object_type", "object_id", "from_state", "to_state")
    names += ("data", "public", "request_id", "ip", "prev_hash", "hash")
    buffer = io.StringIO()
    count = 0
    for k in range(1, copies + 1):
        shift = datetime.timedelta(days=((first_copy + k) * 7) % 720)
        clerk = clerks[(first_copy + k) % len(clerks)]
        for event in template_events:
            fields = dict(event)
            table = table_of.get(fields["object_type"])
            if table:
                low, n = templates.range[table]
                fields["object_id"] = str(bases[table] + (k - 1) * n + (int(fields["object_id"]) - low))
            if fields["actor_id"] == templates.clerk_id:
                fields["actor_id"], fields["actor_label"] = clerk, f"bench-clerk-{clerks.index(clerk):03d}"
            fields["at"] = fields["at"] - shift
            fields["prev_hash"] = head
            fields["hash"] = head = compute_hash(head, fields)
            values = [fields[name] for name in names]
            values[0] = values[0].isoformat()
            values[8] = json.dumps(values[8], ensure_ascii=False)
            buffer.write("\t".join(_copy_text(value) for value in values) + "\n")
            count += 1
    buffer.seek(0)
    with cursor.cursor.copy(f"COPY audits_auditevent ({', '.join(names)}) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    return count


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def template_audit_events(templates: Templates, stages) -> list[dict]:
    from viewflow.workflow.models import Task

    from audits.chain import HASHED_FIELDS
    from audits.models import AuditEvent
    from cases.models import FilingApplication

    process_ids = FilingApplication.objects.filter(pk__in=stages.values()).values("process_id")
    task_ids = [str(pk) for pk in Task.objects.filter(process_id__in=process_ids).values_list("pk", flat=True)]
    events = AuditEvent.objects.filter(
        object_type="cases.filingapplication", object_id__in=[str(pk) for pk in stages.values()]
    ) | AuditEvent.objects.filter(object_type="viewflow.task", object_id__in=task_ids)
    return list(events.order_by("id").values(*HASHED_FIELDS))


def task_count(cursor) -> int:
    cursor.execute("SELECT count(*) FROM viewflow_task")
    return cursor.fetchone()[0]


# Measuring


def sample_check(stages_now) -> str:
    """A generated queued task and a generated claimed task, accepted through the services."""
    from django.contrib.auth.models import User
    from viewflow.workflow.models import Task

    from cases.applications import services as apply
    from cases.models import FilingApplication
    from workflow.models import WorkItem

    queued = FilingApplication.objects.filter(number__contains="-", state="submitted").order_by("-pk")
    queued = [a for a in queued[:50] if Task.objects.filter(process_id=a.process_id, status="NEW").exists()][0]
    claimed_task = Task.objects.filter(status="ASSIGNED", owner__username__startswith="bench-clerk-").order_by("-pk")[0]
    claimed = FilingApplication.objects.get(process_id=claimed_task.process_id)
    stranger = User.objects.filter(username__startswith="bench-clerk-").exclude(pk=claimed_task.owner_id).first()
    apply.application_accept(application=queued, actor=stranger)
    apply.application_accept(application=claimed, actor=claimed_task.owner)
    for application in (queued, claimed):
        application.refresh_from_db()
        assert application.state == "accepted", application.state
        done = WorkItem.objects.get(task__process_id=application.process_id, step="review")
        assert not done.is_open and done.finished_by_id is not None
    return f"accepted {queued.number} (queued) and {claimed.number} (claimed) through the services"


def measure(client, url: str, requests: int):
    """Queries of one request, then p50 and p95 in milliseconds over `requests` requests."""
    from django.db import connection

    client.get(url)  # warm
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return len(executed), statistics.median(times), statistics.quantiles(times, n=20)[-1]


def list_urls(clerk_id, chief, auditor) -> dict:
    from django.contrib.auth.models import User
    from django.urls import reverse

    from audits.models import AuditEvent
    from cases.models import Filing
    from workflow.models import WorkItem

    clerk = User.objects.get(pk=clerk_id)
    oldest = WorkItem.objects.filter(finished_by=clerk, is_open=False).order_by("finished_at", "id").first()
    deep = f"{oldest.finished_at.isoformat()}|{oldest.pk}" if oldest else ""
    old_event = AuditEvent.objects.order_by("id").values_list("id", flat=True)[100]
    filing = Filing.objects.order_by("pk").first()
    name = filing.organisation.name[2:5]
    return {
        "inbox": (clerk, reverse("tasks:inbox")),
        "queue": (clerk, reverse("tasks:queue")),
        "archive, first page": (clerk, reverse("tasks:archive")),
        "archive, deep page": (clerk, reverse("tasks:archive") + "?after=" + deep),
        "overdue (chief)": (chief, reverse("tasks:overdue")),
        "audit search": (auditor, "/app/audits/"),
        "audit search, deep page": (auditor, f"/app/audits/?after={old_event}"),
        "directory": (None, "/directory/"),
        "directory search": (None, "/directory/?q=" + name),
        "directory detail": (None, f"/directory/{filing.number}/"),
    }


def explain_lists(clerk_id, chief) -> list[tuple[str, list[str]]]:
    """EXPLAIN of each list query; the node types of its plan (a sequential scan fails the run)."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from audits.selectors import audit_search
    from cases.registry.selectors import directory_search
    from workflow import selectors

    clerk = User.objects.get(pk=clerk_id)
    today = timezone.localdate()
    queries = {
        "inbox": selectors.inbox_for(user=clerk),
        "queue": selectors.queue_for(user=clerk),
        "archive": selectors.archive_for(user=clerk),
        "overdue": selectors.overdue_for(today=today),
        "overdue, one district": selectors.overdue_for(today=today, district="110101"),
        "audit search": audit_search(),
        "audit search, one action": audit_search(action="task.completed"),
        "directory search": directory_search(today=today, q="机械"),
    }
    plans = []
    for name, qs in queries.items():
        sql, params = qs[:26].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        plans.append((name, _nodes((plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"])))
    return plans


def _nodes(node) -> list[str]:
    here = node["Node Type"] + (f" {node['Index Name']}" if "Index Name" in node else "")
    return [here, *(name for child in node.get("Plans", []) for name in _nodes(child))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--bodies", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/filing_bench_scale")
    fresh_database(url)
    setup_django(url)
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from audits.chain import verify_chain
    from workflow import roles

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("seed_registry", count=args.bodies, verbosity=0)
    clerks = make_clerks()
    template_clerk, _applicant, stages = build_templates()
    chief = User.objects.create_user("bench-chief")
    Group.objects.get(name=roles.CHIEF).user_set.add(chief)
    auditor = User.objects.create_user("bench-auditor")
    Group.objects.get(name=roles.AUDITOR).user_set.add(auditor)
    with connection.cursor() as cursor:
        templates = Templates(cursor, stages.values(), template_clerk.pk)
        cursor.execute("CREATE TABLE bench_clerks (n int PRIMARY KEY, id int)")
        cursor.executemany("INSERT INTO bench_clerks VALUES (%s, %s)", list(enumerate(clerks)))
        cursor.execute(
            "CREATE TABLE bench_bodies AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, id"
            " FROM cases_organisation WHERE id IN (SELECT organisation_id FROM cases_filing)"
        )
        cursor.execute("ALTER TABLE bench_bodies ADD PRIMARY KEY (n)")
        per_copy = templates.range["viewflow_task"][1]
    events = template_audit_events(templates, stages)
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}; {datetime.date.today()}")
    setup = time.monotonic() - started
    print(f"templates: {len(stages)} cases, {per_copy} tasks, {len(events)} audit events; setup {setup:.0f} s")

    copies_done, results = 0, []
    for size in [int(s) for s in args.sizes.split(",")]:
        with connection.cursor() as cursor:
            copies = max(0, (size - task_count(cursor)) // per_copy)
        if copies:
            grown = time.monotonic()
            with transaction.atomic(), connection.cursor() as cursor:
                bases = clone(cursor, templates, copies, copies_done, clerks)
                chained = clone_audit(cursor, templates, events, bases, copies, copies_done, clerks)
            copies_done += copies
            with connection.cursor() as cursor:
                for table in (*TABLES, "audits_auditevent"):
                    cursor.execute(f"ANALYZE {table}")
                for table in ("viewflow_task", "viewflow_process", "cases_filingapplication", "workflow_workitem"):
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
                cursor.execute("SELECT count(*) FROM workflow_workitem")
                items = cursor.fetchone()[0]
                total = task_count(cursor)
            took = time.monotonic() - grown
            print(f"\n== {total:,} tasks ({items:,} to-do rows, +{chained:,} audit events) in {took:.0f} s")
        print(sample_check(stages))
        for name, nodes in explain_lists(clerks[0], chief):
            flag = "SEQ SCAN" if any(node.startswith("Seq Scan") for node in nodes) else "index only"
            print(f"  EXPLAIN {name:<26} {flag:<10} {' > '.join(nodes)}")
        client = Client()
        bare = measure(client, "/bench/constant", args.requests)
        print(f"  {'list':<26} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'p95 / bare':>10}")
        print(f"  {'bare view (constant)':<26} {bare[0]:>7} {bare[1]:>8.1f} {bare[2]:>8.1f} {1:>10.1f}")
        for name, (user, path) in list_urls(clerks[0], chief, auditor).items():
            client = Client()
            if user is not None:
                client.force_login(user)
            queries, p50, p95 = measure(client, path, args.requests)
            results.append((size, name, queries, p50, p95, p95 / bare[2]))
            print(f"  {name:<26} {queries:>7} {p50:>8.1f} {p95:>8.1f} {p95 / bare[2]:>10.1f}")
    verified = time.monotonic()
    print(f"\naudit chain verifies: {verify_chain():,} events in {time.monotonic() - verified:.0f} s")


if __name__ == "__main__":
    main()
