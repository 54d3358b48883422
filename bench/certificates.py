"""Certificate figures: one PDF's warm render time, a 1,000-certificate batch (registration and ZIP of PDFs),
a 100,000-row results import (time and peak memory), and /verify/ requests per second under gunicorn next
to a bare Django view returning a constant, in the same run.

Builds a throw-away database (SQLite in a temporary directory, or BENCH_DATABASE_URL), files the demo
bodies, registers a batch through the services, then starts gunicorn with production settings (DEBUG off)
on a free loopback port and sends a bounded number of requests from a few client processes. The clients
share the machine's cores with the workers, so requests per second are a floor; the ratio is the figure.

    cd bench && ../.venv/bin/python certificates.py [--candidates 1000] [--rows 100000] [--requests 4000]
"""

import argparse
import http.client
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
# The project on the path, not bench/ (its api.py would hide the project's api package), and the project as the
# working directory: Celery imports the jobs' modules from the working directory.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != BENCH)]
os.chdir(ROOT)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args):
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _setup_django(env) -> None:
    os.environ.update(env)
    import django

    django.setup()


def _rss_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss it does not survive exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Work done in this process


def _filed_body():
    from django.contrib.auth.models import User

    from cases.certificates.demo import file_demo_bodies

    file_demo_bodies()
    user = User.objects.get(username="demo-applicant")
    return user.organisations.get().filings.get(), user


def _plan(filing, user, level, size):
    from django.utils import timezone

    from cases.certificates.services import plans
    from cases.models import RosterMember

    scope = filing.scope.select_related("occupation").get(occupation__code="6-18-02-04")
    application = filing.application
    return plans.assessment_plan_create(
        actor=user,
        scope=scope,
        level=level,
        assessment_date=timezone.localdate(),
        venue=application.venues.first(),
        expected_candidates=size,
        examiners=list(application.roster.filter(role=RosterMember.Role.EXAMINER, occupation=scope.occupation)),
        internal_supervisor=application.roster.filter(role=RosterMember.Role.SUPERVISOR).first(),
    )


def _write_results(path: Path, plan, rows: int, seed: int) -> None:
    import random
    from datetime import date, timedelta

    from stdnum.cn import ric

    from cases.certificates.demo import person_name

    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write("姓名,身份证号,职业编码,等级,理论知识成绩,操作技能成绩,综合评审成绩,认定结果\n")
        for n in range(rows):
            # Distinct valid ID numbers: a birth date per thousand, a sequence within it.
            birth = (date(1950, 1, 1) + timedelta(days=n // 1000 + seed * 150)).strftime("%Y%m%d")
            body = f"110108{birth}{n % 1000:03d}"
            number = body + ric.calc_check_digit(body + "0")
            passed = rng.random() < 0.85
            theory = rng.randint(60, 98) if passed else rng.randint(20, 59)
            out.write(
                f"{person_name(rng)},{number},{plan.occupation.code},{plan.level},{theory},{rng.randint(60, 99)},,"
                f"{'合格' if passed else '不合格'}\n"
            )


def _import(batch, user, path: Path):
    from django.core.files import File
    from django.test import override_settings

    from cases.certificates.services import batches as services

    with path.open("rb") as handle, override_settings(BACKGROUND_JOBS="inline"):
        job = services.result_import_start(batch=batch, actor=user, uploaded=File(handle, name=path.name))
    job.refresh_from_db()
    if job.status != job.Status.DONE:
        raise SystemExit(f"import failed: {job.status} {list(job.problems.values_list('line', 'code')[:5])}")
    return job


def child_import(rows: int, workdir: Path) -> None:
    """Run in a fresh process: import `rows` rows, print seconds and the peak RSS growth."""
    from django.contrib.auth.models import User

    from cases.certificates.services import batches as services

    user = User.objects.get(username="demo-applicant")
    filing = user.organisations.get().filings.get()
    plan = _plan(filing, user, level=3, size=rows)
    batch = services.result_batch_create(plan=plan, actor=user)
    path = workdir / f"rows-{rows}.csv"
    _write_results(path, plan, rows, seed=rows % 97)
    before = _rss_mb()
    started = time.perf_counter()
    _import(batch, user, path)
    elapsed = time.perf_counter() - started
    print(f"CHILD {rows} {elapsed:.2f} {before:.1f} {_rss_mb():.1f}")


def measure_in_process(args, workdir: Path) -> tuple[list[tuple[str, str]], list[str]]:
    from django.contrib.auth.models import User

    from cases.certificates.services import batches as services
    from cases.certificates.services import documents
    from cases.models import Certificate

    filing, user = _filed_body()
    reviewer = User.objects.get(username="demo-supervisor")

    plan = _plan(filing, user, level=4, size=args.candidates)
    batch = services.result_batch_create(plan=plan, actor=user)
    path = workdir / "batch.csv"
    _write_results(path, plan, args.candidates, seed=1)
    started = time.perf_counter()
    _import(batch, user, path)
    imported = time.perf_counter() - started
    services.result_batch_submit(batch=batch, actor=user)
    started = time.perf_counter()
    services.result_batch_approve(batch=batch, actor=reviewer)
    registered = time.perf_counter() - started
    issued = batch.certificates.count()
    print(
        f"Batch of {args.candidates} candidates: import {imported:.2f} s, registration of {issued} "
        f"certificates {registered:.2f} s ({issued / registered:.0f} per second)"
    )

    certificate = documents._with_document_relations(Certificate.objects.filter(batch=batch)).first()
    for _ in range(3):
        documents.render_certificate_pdf(certificate)
    times = []
    for _ in range(args.pdf_runs):
        started = time.perf_counter()
        pdf = documents.render_certificate_pdf(certificate)
        times.append(time.perf_counter() - started)
    times.sort()
    print(
        f"One certificate PDF, warm, {args.pdf_runs} runs: median {statistics.median(times) * 1000:.0f} ms, "
        f"p90 {times[int(len(times) * 0.9) - 1] * 1000:.0f} ms, min {times[0] * 1000:.0f} ms; "
        f"{len(pdf) / 1024:.0f} KiB (target: 150 ms median)"
    )

    from django.test import override_settings

    lookups = list(Certificate.objects.filter(batch=batch).values_list("number", "holder_name")[:200])
    tokens = list(Certificate.objects.filter(batch=batch).values_list("verify_token", flat=True)[:200])
    if args.skip_zip:
        return lookups, tokens
    started = time.perf_counter()
    with override_settings(BACKGROUND_JOBS="inline"):
        export = documents.certificate_export_start(batch=batch, actor=user)
    export.refresh_from_db()
    elapsed = time.perf_counter() - started
    print(
        f"Batch download: {export.total} certificates as a ZIP of PDFs in {elapsed:.1f} s "
        f"({elapsed / max(export.total, 1) * 1000:.0f} ms each, {export.size / 2**20:.1f} MiB), "
        f"process peak RSS {_rss_mb():.0f} MiB"
    )

    lookups = list(Certificate.objects.filter(batch=batch).values_list("number", "holder_name")[:200])
    tokens = list(Certificate.objects.filter(batch=batch).values_list("verify_token", flat=True)[:200])
    return lookups, tokens


def measure_imports(args, env, workdir: Path) -> None:
    for rows in (1000, args.rows) if args.rows else ():
        output = subprocess.run(
            [str(PYTHON), str(Path(__file__).resolve()), "--child-import", str(rows), "--workdir", str(workdir)],
            cwd=BENCH,
            env=env,
            capture_output=True,
            text=True,
        )
        if output.returncode:
            raise SystemExit(f"import of {rows} rows failed:\n{output.stderr[-3000:]}")
        output = output.stdout
        match = re.search(r"CHILD (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", output)
        _rows, seconds, before, after = match.groups()
        print(
            f"Import of {int(_rows):,} rows: {float(seconds):.1f} s ({int(_rows) / float(seconds):,.0f} rows/s), "
            f"peak RSS {float(before):.0f} -> {float(after):.0f} MiB"
        )


# HTTP load


def _request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        content = response.read()
        return response.status, response.getheader("Set-Cookie") or "", content
    finally:
        connection.close()


def _client(job):
    """One client process: a bounded loop of requests of one kind; returns (latencies, errors)."""
    port, kind, count, data = job
    latencies, errors = [], 0
    csrf_cookie = token = ""
    if kind == "verify":
        _status, cookie, content = _request(port, "GET", "/verify/")
        csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie)[1]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)[1].decode()
    for index in range(count):
        started = time.perf_counter()
        if kind == "constant":
            status, _cookie, _content = _request(port, "GET", "/bench/constant")
        elif kind == "qr":
            status, _cookie, _content = _request(port, "GET", f"/verify/c/{data[index % len(data)]}/")
        else:
            number, name = data[index % len(data)]
            form = urlencode({"csrfmiddlewaretoken": token, "number": number, "name": name})
            status, _cookie, _content = _request(
                port,
                "POST",
                "/verify/",
                body=form,
                headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}"},
            )
        latencies.append(time.perf_counter() - started)
        errors += status != 200
    return latencies, errors


def _load(port, kind, total, clients, data=None):
    jobs = [(port, kind, total // clients, data) for _ in range(clients)]
    with Pool(clients) as pool:
        started = time.perf_counter()
        results = pool.map(_client, jobs)
        elapsed = time.perf_counter() - started
    latencies = sorted(s for lat, _errors in results for s in lat)
    errors = sum(errors for _lat, errors in results)
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, errors


def measure_http(args, env, lookups, tokens) -> None:
    port = _free_port()
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "certificates_site",
        "PYTHONPATH": f"{ROOT}:{BENCH}",  # the project first: bench/api.py must not hide its api package
        "VERIFY_RATE_LIMIT": "1000000000",  # the throughput run must not hit the per-address limit
    }
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=server_env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _request(port, "GET", "/bench/constant")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        names = [(number, name) for number, name in lookups]
        names += [(number, "不是本人") for number, _name in lookups[:20]]  # some wrong names: "not found"
        for kind, data in (("constant", None), ("verify", names), ("qr", tokens)):
            _load(port, kind, 200, args.clients, data)  # warm both workers
        figures = {}
        for kind, label, data in (
            ("constant", "bare Django view returning a constant", None),
            ("verify", "/verify/ by number and name (POST)", names),
            ("qr", "/verify/c/<token>/ (QR link)", tokens),
        ):
            rate, median, errors = _load(port, kind, args.requests, args.clients, data)
            figures[kind] = rate
            print(f"  {label:<42} {rate:7.0f} requests/s, median {median:5.1f} ms, {errors} errors")
        print(
            f"  ratio /verify/ POST : constant = {figures['verify'] / figures['constant']:.2f}, "
            f"QR link : constant = {figures['qr'] / figures['constant']:.2f}"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pdf-runs", type=int, default=20)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--skip-zip", action="store_true", help="leave out the batch download")
    parser.add_argument("--child-import", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_import:
        _setup_django({})
        child_import(args.child_import, Path(args.workdir))
        return

    workdir = Path(tempfile.mkdtemp(prefix="bench-certificates-"))
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'db.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
        "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
    }
    env.pop("REDIS_URL", None)
    # The demo signing keys (the production settings name no key of their own), made for this run.
    signing = workdir / "signing"
    demo = {**env, "DEBUG": "1", "DOCUMENT_SIGNING_DEMO_DIR": str(signing)}
    _manage(demo, "document_signing_demo")
    env["DOCUMENT_SIGNING_PKCS12"] = str(signing / "demo-bureau-signing.p12")
    env["DOCUMENT_SIGNING_PASSPHRASE"] = "demo-only"
    env["DOCUMENT_QR_KEY"] = str(signing / "demo-qr-ed25519.pem")
    try:
        print(f"Database {database_url.split('@')[-1]}; {os.cpu_count()} CPUs")
        started = time.monotonic()
        _manage(env, "migrate", "--noinput")
        _manage(env, "seed_demo")
        print(f"Set-up (migrate, demo data) in {time.monotonic() - started:.1f} s")
        _setup_django(env)
        lookups, tokens = measure_in_process(args, workdir)
        measure_imports(args, env, workdir)
        print(
            f"Public verification under gunicorn -w {args.workers}, {args.clients} client processes, "
            f"{args.requests} requests each kind:"
        )
        measure_http(args, env, lookups, tokens)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
