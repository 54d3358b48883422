"""Closed-loop load test against gunicorn on 127.0.0.1 (PostgreSQL), then the audit checks, then a human step
through the services against a bare viewflow flow with the same steps, in the same run.

Builds a throw-away PostgreSQL database (BENCH_DATABASE_URL, default filing_bench_load; dropped and created
again) with `--bodies` filed bodies (seed_registry), one registered result batch (certificates to verify),
`--clerks` clerks (each with a confirmed second factor), `--applicants` applicants with `--drafts` complete
drafts each, and `--queue` applications already submitted through the services. It starts gunicorn
(`--workers` processes of 4 threads, DEBUG off) on a free loopback port and, when Redis answers at
BENCH_REDIS_URL (default redis://127.0.0.1:6379/15, flushed), a Celery worker, so that the jobs (PDFs, mail)
run in the background as in production; without Redis they run after commit in the web process.

Then every virtual user loops without pause until `--duration` seconds or `--max-actions` actions in all:
clerks read their queue, claim a task and complete its review (accept) on the task page; applicants submit
their drafts; the public reads the directory (list, search, detail) and verifies certificates on /verify/.
A claim that loses a race to a colleague shows the page's refusal and is counted apart, not as an error.
It prints completions per second, errors (anything but the expected answer; must be 0) and p50/p95 per
action; waits for the background jobs; checks that the audit chain verifies, that every application's
audit events retrace its fsm transitions from draft to its state and that every completed task has its
`task.completed` event. Last, in-process on the same database: `--steps` review steps through the services
(application_accept on a queued task: claim, transition, audit, documents, next task) against the same steps
of a bare viewflow flow (claim and complete through viewflow alone), medians and their ratio (goal <= 3).

    cd bench && ../.venv/bin/python load.py [--duration 60] [--max-actions 20000] [--clerks 6] [--applicants 2]
        [--public 2] [--queue 200] [--drafts 20] [--bodies 2000] [--workers 2] [--steps 30]
"""

import argparse
import datetime
import http.client
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
VENV = ROOT / ".venv" / "bin"
# The project on the path, and bench/ for its helper modules (this file's own name shadows nothing there).
sys.path[:] = [str(ROOT), str(BENCH), *(p for p in sys.path if Path(p or ".").resolve() not in (BENCH,))]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _psql(url: str, sql: str) -> None:
    parts = urlsplit(url)
    admin = ["psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    subprocess.run([*admin, "-U", parts.username or "postgres", "-d", "postgres", "-qc", sql], check=True)


def _redis_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2) as sock:
            sock.sendall(f"SELECT {parts.path.lstrip('/') or 0}\r\nFLUSHDB\r\n".encode())
            return sock.recv(100).startswith(b"+OK")
    except OSError:
        return False


# Set-up, in this process


def build(args) -> dict:
    """The users, cases and sessions of the load; returns what the virtual users need."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.applications import services as apply
    from cases.applications.simulation import complete_draft, new_applicant
    from cases.certificates.demo import file_body, register_batch
    from cases.models import Filing, Occupation
    from workflow import roles

    call_command("migrate", verbosity=0)
    call_command("seed_registry", count=args.bodies, verbosity=0)
    rng = random.Random(2026)
    approver = User.objects.create_user("load-approver")
    Group.objects.get(name=roles.APPROVER).user_set.add(approver)
    reviewer = User.objects.create_user("load-reviewer")
    Group.objects.get(name=roles.SUPERVISOR).user_set.add(reviewer)
    occupation = Occupation.objects.filter(active=True).order_by("pk").first()
    body_user, body = new_applicant(rng, 800000)
    filing = file_body(
        user=body_user, organisation=body, scope=[(occupation.code, occupation.trade, occupation.levels[-1:])], rng=rng
    )
    batch = register_batch(filing=filing, user=body_user, reviewer=reviewer, size=60, rng=rng)
    certificates = list(batch.certificates.values_list("number", "holder_name"))

    def session_of(user, device=None) -> str:
        client = Client()
        client.force_login(user)
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
            return session.session_key
        return client.cookies["sessionid"].value

    clerks = []
    for n in range(args.clerks):
        clerk = User.objects.create_user(f"load-clerk-{n}")
        Group.objects.get(name=roles.CLERK).user_set.add(clerk)
        device = TOTPDevice.objects.create(user=clerk, name="bench", confirmed=True)
        clerks.append(session_of(clerk, device))
    applicants, queued = [], 0
    for n in range(args.applicants):
        user, organisation = new_applicant(rng, 810000 + n)
        drafts = [
            complete_draft(applicant=user, organisation=organisation, occupation=occupation, rng=rng).pk
            for _ in range(args.drafts)
        ]
        applicants.append((session_of(user), [reverse("applications:submit", args=[pk]) for pk in drafts]))
    queue_owner, queue_organisation = new_applicant(rng, 820000)
    for _ in range(args.queue):
        draft = complete_draft(applicant=queue_owner, organisation=queue_organisation, occupation=occupation, rng=rng)
        apply.application_submit(application=draft, actor=queue_owner)
        queued += 1
    names = list(Filing.objects.order_by("?").values_list("organisation__name", flat=True)[:200])
    numbers = list(Filing.objects.order_by("?").values_list("number", flat=True)[:500])
    return {
        "clerks": clerks,
        "applicants": applicants,
        "queued": queued,
        "certificates": certificates,
        "searches": sorted({name[2:5] for name in names}),
        "numbers": numbers,
    }


# The virtual users


class Browser:
    """One user's cookies and its requests (a new connection each, as the existing benchmarks do)."""

    def __init__(self, port: int, session: str | None = None):
        self.port, self.cookies = port, {}
        if session:
            self.cookies["sessionid"] = session

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Host": "127.0.0.1", "Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _sep, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location", ""), text
        finally:
            connection.close()


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.samples: list[str] = []
        self.completions = self.lost_races = self.actions = self.submissions = 0
        self.started = self.last_completion = time.perf_counter()

    def record(self, action: str, seconds: float, ok: bool, note: str = "") -> None:
        with self.lock:
            self.actions += 1
            self.times.setdefault(action, []).append(seconds)
            if not ok:
                self.errors[action] = self.errors.get(action, 0) + 1
                if len(self.samples) < 5:
                    self.samples.append(f"{action}: {note[:300]}")


def timed(tally: Tally, action: str, call, expect) -> tuple | None:
    started = time.perf_counter()
    try:
        status, location, text = call()
    except OSError as error:
        tally.record(action, time.perf_counter() - started, False, repr(error))
        return None
    ok = status in expect
    tally.record(action, time.perf_counter() - started, ok, f"HTTP {status} {location}")
    return (status, location, text) if ok else None


TASK_LINK = re.compile(r"/app/tasks/(\d+)/")


def clerk_loop(port, session, tally: Tally, stop, rng: random.Random) -> None:
    browser = Browser(port, session)
    while not stop():
        page = timed(tally, "clerk: queue page", lambda: browser.request("GET", "/app/tasks/queue/"), {200})
        if page is None:
            continue
        tasks = sorted({int(found) for found in TASK_LINK.findall(page[2])})
        if not tasks:
            return  # the queue is empty: this clerk's work is done
        task = rng.choice(tasks[:10])
        claim = f"/app/tasks/{task}/claim/"
        if timed(tally, "clerk: claim", lambda claim=claim: browser.request("POST", claim, {}), {302}) is None:
            continue
        detail = f"/app/tasks/{task}/"
        shown = timed(tally, "clerk: task page", lambda detail=detail: browser.request("GET", detail), {200})
        if shown is None:
            continue
        answer = timed(
            tally,
            "clerk: complete review",
            lambda detail=detail: browser.request("POST", detail, {"outcome": "accept"}),
            {200, 302},
        )
        if answer is None:
            continue
        with tally.lock:
            if answer[0] == 302:
                tally.completions += 1
                tally.last_completion = time.perf_counter()
            else:  # a colleague claimed it first: the page says so (not a server error)
                tally.lost_races += 1


def applicant_loop(port, session, submits: list[str], tally: Tally, stop) -> None:
    browser = Browser(port, session)
    timed(tally, "applicant: inbox", lambda: browser.request("GET", "/app/tasks/"), {200})
    for path in submits:
        if stop():
            return
        if timed(tally, "applicant: submit", lambda path=path: browser.request("POST", path, {}), {302}):
            with tally.lock:
                tally.submissions += 1
        timed(tally, "applicant: inbox", lambda: browser.request("GET", "/app/tasks/"), {200})


def public_loop(port, data: dict, tally: Tally, stop, rng: random.Random) -> None:
    browser = Browser(port)
    timed(tally, "public: verify page", lambda: browser.request("GET", "/verify/"), {200})
    while not stop():
        choice = rng.random()
        if choice < 0.3:
            timed(tally, "public: directory", lambda: browser.request("GET", "/directory/"), {200})
        elif choice < 0.5:
            q = quote(rng.choice(data["searches"]))
            timed(tally, "public: directory search", lambda q=q: browser.request("GET", f"/directory/?q={q}"), {200})
        elif choice < 0.7:
            number = quote(rng.choice(data["numbers"]))
            timed(
                tally,
                "public: directory detail",
                lambda number=number: browser.request("GET", f"/directory/{number}/"),
                {200},
            )
        else:
            number, name = rng.choice(data["certificates"])
            form = {"number": number, "name": name}
            found = timed(tally, "public: verify", lambda form=form: browser.request("POST", "/verify/", form), {200})
            if found is not None and "state--valid" not in found[2] and "有效" not in found[2]:
                tally.record("public: verify (answer)", 0.0, False, "a valid certificate was not found valid")


def run_load(port: int, data: dict, args) -> tuple[Tally, float]:
    tally = Tally()
    deadline = time.monotonic() + args.duration

    def stop() -> bool:
        return time.monotonic() > deadline or tally.actions >= args.max_actions

    threads = [
        threading.Thread(target=clerk_loop, args=(port, session, tally, stop, random.Random(n)))
        for n, session in enumerate(data["clerks"])
    ]
    threads += [
        threading.Thread(target=applicant_loop, args=(port, session, submits, tally, stop))
        for session, submits in data["applicants"]
    ]
    threads += [
        threading.Thread(target=public_loop, args=(port, data, tally, stop, random.Random(100 + n)))
        for n in range(args.public)
    ]
    started = tally.started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def report_load(tally: Tally, elapsed: float) -> None:
    errors = sum(tally.errors.values())
    # The clerks stop when the queue is empty: the rate is over the time until the last completion.
    working = max(tally.last_completion - tally.started, 1e-9)
    print(
        f"\n{tally.actions} actions in {elapsed:.1f} s: {tally.completions} review steps completed in"
        f" {working:.1f} s = {tally.completions / working:.1f} completions/s;"
        f" {tally.submissions} applications submitted; {tally.lost_races} claims lost to a colleague"
        f" (refused cleanly); errors: {errors}"
    )
    print(f"  {'action':<28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for action, seconds in sorted(tally.times.items()):
        ordered = sorted(seconds)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        print(
            f"  {action:<28} {len(seconds):>6} {statistics.median(seconds) * 1000:>8.1f} {p95 * 1000:>8.1f}"
            f" {tally.errors.get(action, 0):>7}"
        )
    for sample in tally.samples:
        print(f"  error: {sample}")


# Checks afterwards


def wait_for_documents(seconds: int) -> tuple[int, int]:
    from cases.models.documents import GeneratedDocument

    deadline = time.monotonic() + seconds
    while True:
        pending = GeneratedDocument.objects.filter(rendered_at__isnull=True).count()
        if not pending or time.monotonic() > deadline:
            return GeneratedDocument.objects.exclude(rendered_at__isnull=True).count(), pending
        time.sleep(2)


def audit_checks() -> list[str]:
    """The chain verifies; every application's events retrace its transitions; every completed task has its event."""
    from viewflow.workflow.models import Task

    from audits.chain import verify_chain
    from audits.models import AuditEvent
    from cases.models import FilingApplication

    problems, lines = [], []
    started = time.monotonic()
    lines.append(f"audit chain verifies: {verify_chain():,} events in {time.monotonic() - started:.1f} s")
    # The applications the services made (bulk-seeded registry entries and the demo body's shortcut into the
    # registry are fixtures, not transitions): every one that entered a flow, and the drafts not yet submitted.
    made = FilingApplication.objects.filter(process__isnull=False) | FilingApplication.objects.filter(state="draft")
    states = dict(made.values_list("pk", "state"))
    moves: dict[int, list[tuple[str, str]]] = {}
    events = AuditEvent.objects.filter(object_type="cases.filingapplication").exclude(to_state="")
    for object_id, from_state, to_state in events.order_by("id").values_list("object_id", "from_state", "to_state"):
        moves.setdefault(int(object_id), []).append((from_state, to_state))
    for pk, state in states.items():
        path = moves.get(pk, [])
        here = "draft" if path and path[0][0] == "" else None
        for from_state, to_state in path:
            if from_state and from_state != here:
                problems.append(f"application {pk}: event from {from_state} while it was {here}")
            here = to_state
        if here != state:
            problems.append(f"application {pk}: its events end at {here}, it is {state}")
    lines.append(f"fsm transitions retraced by audit events: {len(states):,} applications, {len(problems)} problems")
    done = set(
        Task.objects.filter(status="DONE", flow_task_type="HUMAN", owner__isnull=False).values_list("pk", flat=True)
    )
    recorded = {
        int(pk)
        for pk in AuditEvent.objects.filter(object_type="viewflow.task", action="task.completed").values_list(
            "object_id", flat=True
        )
    }
    missing = done - recorded
    lines.append(
        f"completed human tasks with their task.completed event: {len(done) - len(missing):,} of {len(done):,}"
    )
    problems += [f"task {pk}: completed without a task.completed event" for pk in sorted(missing)[:10]]
    return lines + [f"  PROBLEM {problem}" for problem in problems[:20]]


def services_against_bare(steps: int) -> list[str]:
    """The review step through the services and through a bare viewflow flow, in this process, same database."""
    from _bench_flows.flows import BareFlow
    from django.contrib.auth.models import Group, User
    from django.db import transaction
    from viewflow.workflow.models import Task

    from cases.applications import services as apply
    from cases.applications.simulation import complete_draft, new_applicant
    from cases.models import Occupation
    from cases.models.documents import GeneratedDocument
    from workflow import roles

    rng = random.Random(7)
    clerk = User.objects.create_user("load-step-clerk")
    Group.objects.get(name=roles.CLERK).user_set.add(clerk)
    Group.objects.get(name=roles.CHIEF).user_set.add(clerk)
    clerk = User.objects.get(pk=clerk.pk)
    user, organisation = new_applicant(rng, 830000)
    occupation = Occupation.objects.filter(active=True).order_by("pk").first()
    applications = []
    for _ in range(steps):
        draft = complete_draft(applicant=user, organisation=organisation, occupation=occupation, rng=rng)
        apply.application_submit(application=draft, actor=user)
        applications.append(draft)
    ours, rendered_in_step = [], 0
    for application in applications:
        application.refresh_from_db()
        before = GeneratedDocument.objects.count()
        started = time.perf_counter()
        apply.application_accept(application=application, actor=clerk)
        ours.append(time.perf_counter() - started)
        issued = GeneratedDocument.objects.order_by("-pk")[: GeneratedDocument.objects.count() - before]
        rendered_in_step += sum(1 for document in issued if document.rendered_at is not None)
    processes = [BareFlow.start.run() for _ in range(steps)]
    bare = []
    for process in processes:
        task = Task.objects.get(process_id=process.pk, flow_task=BareFlow.review)
        started = time.perf_counter()
        with transaction.atomic(), BareFlow.lock(process.pk):
            task = Task.objects.get(pk=task.pk)
            activation = task.flow_task.activation_class(task)
            activation.assign(clerk)
            activation = task.flow_task.activation_class(task)
            activation.start(None)
            activation.execute()
        bare.append(time.perf_counter() - started)
        assert Task.objects.filter(process_id=process.pk, flow_task=BareFlow.plan, status="NEW").exists()
    a, b = statistics.median(ours) * 1000, statistics.median(bare) * 1000
    mode = "rendered inside the step" if rendered_in_step else "rendered after commit, in the background"
    return [
        f"review step, median of {steps}: through the services {a:.1f} ms (p95 {_p95(ours) * 1000:.1f}),"
        f" bare viewflow {b:.1f} ms (p95 {_p95(bare) * 1000:.1f}): {a / b:.1f}x (goal <= 3)",
        f"  the acceptance notice PDF was {mode} ({rendered_in_step} of {steps} rendered before the step returned)",
    ]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load at most")
    parser.add_argument("--max-actions", type=int, default=20000, help="requests in all at most")
    parser.add_argument("--clerks", type=int, default=6)
    parser.add_argument("--applicants", type=int, default=2)
    parser.add_argument("--public", type=int, default=2)
    parser.add_argument("--queue", type=int, default=200, help="applications submitted before the load")
    parser.add_argument("--drafts", type=int, default=20, help="drafts each applicant submits during the load")
    parser.add_argument("--bodies", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/filing_bench_load")
    redis = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    name = urlsplit(url).path.lstrip("/")
    _psql(url, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(url, f'CREATE DATABASE "{name}"')
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_SETTINGS_MODULE": "_load_site",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{BENCH}",
    }
    # The demo signing keys (the production settings name no key of their own), made for this run.
    signing = workdir / "signing"
    demo = {**env, "DEBUG": "1", "DOCUMENT_SIGNING_DEMO_DIR": str(signing), "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run(
        [str(VENV / "python"), "manage.py", "document_signing_demo"],
        cwd=ROOT,
        env=demo,
        check=True,
        capture_output=True,
    )
    env["DOCUMENT_SIGNING_PKCS12"] = str(signing / "demo-bureau-signing.p12")
    env["DOCUMENT_SIGNING_PASSPHRASE"] = "demo-only"
    env["DOCUMENT_QR_KEY"] = str(signing / "demo-qr-ed25519.pem")
    background = _redis_answers(redis)
    if background:
        env["REDIS_URL"] = redis
    else:
        env.pop("REDIS_URL", None)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(ROOT)
    import django

    django.setup()

    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}; {datetime.date.today()}")
    jobs = f"a Celery worker on {redis}" if background else "after commit in the web process"
    print(f"database {url.split('@')[-1]}; background jobs: {jobs}")
    started = time.monotonic()
    data = build(args)
    print(
        f"set-up in {time.monotonic() - started:.0f} s: {args.bodies} bodies, {len(data['certificates'])} certificates,"
        f" {args.clerks} clerks, {data['queued']} applications queued, {args.applicants} x {args.drafts} drafts"
    )
    port = _free_port()
    processes = []
    try:
        gunicorn = [str(VENV / "gunicorn"), "config.wsgi", "-w", str(args.workers), "--threads", "4"]
        gunicorn += ["-b", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120"]
        processes.append(subprocess.Popen(gunicorn, cwd=ROOT, env=env))
        if background:
            worker = [str(VENV / "celery"), "-A", "config", "worker", "--concurrency", "1", "-l", "WARNING"]
            processes.append(subprocess.Popen(worker, cwd=ROOT, env=env, stdout=subprocess.DEVNULL))
        deadline = time.monotonic() + 60
        while True:
            try:
                if Browser(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not come up") from None
                time.sleep(0.3)
        print(
            f"load: gunicorn -w {args.workers} --threads 4 on 127.0.0.1:{port}; {args.clerks} clerks,"
            f" {args.applicants} applicants, {args.public} public users; at most {args.duration} s"
            f" and {args.max_actions} requests"
        )
        tally, elapsed = run_load(port, data, args)
        report_load(tally, elapsed)
        rendered, pending = wait_for_documents(120 if background else 5)
        print(f"\ndocuments rendered: {rendered}, still waiting: {pending}")
        for line in audit_checks():
            print(line)
        print()
        for line in services_against_bare(args.steps):
            print(line)
        errors = sum(tally.errors.values())
        if errors:
            raise SystemExit(f"{errors} errors under load")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
