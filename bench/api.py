"""REST API registry throughput: /api/v1/bodies/ at 10,000 bodies against a bare DRF view, side by side.

Builds a throw-away database (SQLite in a temporary directory, or BENCH_DATABASE_URL), fills it with
`seed_registry --count 10000`, counts the SQL queries of the first and of a deep page in-process, then
starts gunicorn with production settings (DEBUG off) on a free loopback port and sends a bounded number
of requests from a few client threads: a bare DRF view returning a constant (the same authentication,
throttling and renderer as every API view), then registry pages (first pages, pages further on through
their cursors, filtered lists, single bodies), then the constant again. Prints requests per second,
latency percentiles and the ratio of registry to constant (the goal is at least 0.5).

    cd bench && ../.venv/bin/python api.py [--bodies 10000] [--requests 3000] [--workers 2] [--clients 4]
"""

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

# Written into the temporary directory (this file cannot be the settings module: it would shadow `api`).
SITE = """
from config.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
ROOT_URLCONF = "bench_api_urls"
# The load comes from one address: lift the per-address limit, as it is not what is measured.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anonymous": "100000000/min"}}
"""
URLS = """
from django.urls import include, path
from rest_framework.response import Response

from api.views.base import PublicView


class Constant(PublicView):
    def get(self, request):
        return Response({"ok": True})


urlpatterns = [path("bench/drf-constant", Constant.as_view()), path("", include("config.urls"))]
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args):
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _get(port: int, path: str) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", "Accept": "application/json"})
        response = connection.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, body
    finally:
        connection.close()


def _wait_until_up(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if _get(port, "/bench/drf-constant")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def _cursor_pages(port: int, count: int) -> list[str]:
    """Paths of pages further on, followed through the next links as a client would."""
    pages, path = [], "/api/v1/bodies/"
    while len(pages) < count and path:
        status, _seconds, body = _get(port, path)
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")
        following = json.loads(body)["next"]
        path = (urlsplit(following).path + "?" + urlsplit(following).query) if following else None
        if path:
            pages.append(path)
    return pages


def _paths(numbers, occupation_ids, deep_pages, rng, count) -> list[tuple[str, str]]:
    kinds = [
        ("first page", lambda: "/api/v1/bodies/"),
        ("cursor page", lambda: rng.choice(deep_pages)),
        ("filters", lambda: f"/api/v1/bodies/?district=1101{rng.choice(['01', '05', '08', '14'])}&status=active"),
        ("occupation", lambda: f"/api/v1/bodies/?occupation={rng.choice(occupation_ids)}"),
        ("one body", lambda: "/api/v1/bodies/" + quote(rng.choice(numbers)) + "/"),
    ]
    return [(name, build()) for name, build in (rng.choice(kinds) for _ in range(count))]


def _load(port: int, paths: list[tuple[str, str]], clients: int) -> tuple[float, dict, int]:
    results: dict[str, list[float]] = {}
    errors = 0
    lock = threading.Lock()
    queue = list(reversed(paths))

    def worker():
        nonlocal errors
        while True:
            with lock:
                if not queue:
                    return
                name, path = queue.pop()
            status, seconds, _body = _get(port, path)
            with lock:
                if status != 200:
                    errors += 1
                results.setdefault(name, []).append(seconds)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, results, errors


def _report(title: str, elapsed: float, results: dict, errors: int) -> float:
    total = sum(len(v) for v in results.values())
    everything = sorted(s for v in results.values() for s in v)
    rate = total / elapsed
    print(f"{title}: {total} requests in {elapsed:.1f} s = {rate:.0f} requests/s, {errors} errors")
    print(
        f"  latency p50 {statistics.median(everything) * 1000:.1f} ms, "
        f"p95 {everything[int(len(everything) * 0.95) - 1] * 1000:.1f} ms"
    )
    for name, seconds in sorted(results.items()):
        print(f"  {name:<12} n={len(seconds):<5} median {statistics.median(seconds) * 1000:6.1f} ms")
    return rate


QUERY_COUNTS = """
import json
from urllib.parse import urlsplit
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from cases.models import Filing, FilingScope

client, path, counts = Client(HTTP_HOST="127.0.0.1"), "/api/v1/bodies/", {}
for page in range(1, 201):
    with CaptureQueriesContext(connection) as captured:
        following = client.get(path).json()["next"]
    counts.setdefault("first", len(captured))
    counts["deep"], counts["page"] = len(captured), page
    if following is None:
        break
    path = urlsplit(following).path + "?" + urlsplit(following).query
print(json.dumps({
    "counts": counts,
    "numbers": list(Filing.objects.values_list("number", flat=True)),
    "occupations": sorted(set(FilingScope.objects.values_list("occupation_id", flat=True))),
}))
"""


def _in_django(env) -> dict:
    """Counted in a separate process run from the project (here, this file's name would shadow `api`)."""
    output = subprocess.run(
        [str(PYTHON), "manage.py", "shell", "-c", QUERY_COUNTS], cwd=ROOT, env=env, check=True, capture_output=True
    ).stdout
    return json.loads(output.decode().strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    (workdir / "bench_api_site.py").write_text(SITE, encoding="utf-8")
    (workdir / "bench_api_urls.py").write_text(URLS, encoding="utf-8")
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'db.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_SETTINGS_MODULE": "bench_api_site",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{workdir}",
    }
    env.pop("REDIS_URL", None)
    server = None
    try:
        print(
            f"Database {database_url.split('@')[-1]}; {args.bodies} bodies; gunicorn -w {args.workers}; "
            f"CONN_MAX_AGE {os.environ.get('BENCH_CONN_MAX_AGE', 'as configured')}"
        )
        started = time.monotonic()
        _manage(env, "migrate", "--noinput")
        _manage(env, "seed_registry", "--count", str(args.bodies), "--seed", "1")
        print(f"Set-up (migrate, {args.bodies} bodies) in {time.monotonic() - started:.1f} s")

        found = _in_django(env)
        print(
            f"SQL queries per registry page (in-process): first page {found['counts']['first']}, "
            f"page {found['counts']['page']} {found['counts']['deep']}"
        )
        numbers, occupation_ids = found["numbers"], found["occupations"]

        port = _free_port()
        server = subprocess.Popen(
            [
                str(GUNICORN),
                "config.wsgi",
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        _wait_until_up(port, time.monotonic() + 60)
        rng = random.Random(2026)
        deep_pages = _cursor_pages(port, 100)
        constant = [("constant", "/bench/drf-constant")] * args.requests
        _load(port, _paths(numbers, occupation_ids, deep_pages, rng, 200), args.clients)  # warm both workers
        _load(port, constant[:200], args.clients)
        before = _report("bare DRF view (constant)", *_load(port, constant, args.clients))
        registry = _report(
            "/api/v1/bodies/ mix",
            *_load(port, _paths(numbers, occupation_ids, deep_pages, rng, args.requests), args.clients),
        )
        after = _report("bare DRF view (constant), again", *_load(port, constant, args.clients))
        baseline = (before + after) / 2
        print(f"Registry / bare DRF view: {registry / baseline:.2f} (goal >= 0.5)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
