"""Public directory throughput: requests per second under gunicorn on a 10,000-body registry.

Builds a throw-away database (SQLite in a temporary directory, or BENCH_DATABASE_URL, e.g. an empty
PostgreSQL database), fills it with `seed_registry --count 10000` (bulk_create), starts gunicorn with
production settings (DEBUG off; bench/directory_site.py only swaps the static storage) on a free
loopback port, and sends a bounded number of requests from a few client threads: list pages, searches,
filters and detail pages. Prints requests per second and latency percentiles, next to /healthz (one
trivial query) for scale. The client shares the machine's cores with the workers: the figures are a floor.

    cd bench && ../.venv/bin/python directory.py [--bodies 10000] [--requests 3000] [--workers 2] [--clients 4]
"""

import argparse
import http.client
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
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args):
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _get(port: int, path: str) -> tuple[int, float, int]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", "Accept-Language": "zh-hans"})
        response = connection.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, len(body)
    finally:
        connection.close()


def _wait_until_up(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if _get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def _paths(numbers: list[str], occupation_ids: list[int], rng: random.Random, count: int) -> list[tuple[str, str]]:
    kinds = [
        ("list page 1", lambda: "/directory/"),
        ("list page n", lambda: f"/directory/?page={rng.randint(2, 400)}"),
        ("search by name", lambda: "/directory/?q=" + quote(rng.choice(["机械", "信息", "医疗", "京华", "物流"]))),
        ("filters", lambda: f"/directory/?district=1101{rng.choice(['01', '05', '08', '14'])}&status=active"),
        ("occupation", lambda: f"/directory/?occupation={rng.choice(occupation_ids)}&page={rng.randint(1, 20)}"),
        ("detail", lambda: "/directory/" + quote(rng.choice(numbers)) + "/"),
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
            status, seconds, _size = _get(port, path)
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


def _report(title: str, elapsed: float, results: dict, errors: int) -> None:
    total = sum(len(v) for v in results.values())
    everything = sorted(s for v in results.values() for s in v)
    print(f"{title}: {total} requests in {elapsed:.1f} s = {total / elapsed:.0f} requests/s, {errors} errors")
    print(
        f"  latency p50 {statistics.median(everything) * 1000:.0f} ms, "
        f"p95 {everything[int(len(everything) * 0.95) - 1] * 1000:.0f} ms"
    )
    for name, seconds in sorted(results.items()):
        print(f"  {name:<16} n={len(seconds):<5} median {statistics.median(seconds) * 1000:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-directory-"))
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'db.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_SETTINGS_MODULE": "directory_site",
        "PYTHONPATH": str(Path(__file__).resolve().parent),
    }
    env.pop("REDIS_URL", None)
    server = None
    try:
        print(f"Database {database_url.split('@')[-1]}; {args.bodies} bodies; gunicorn -w {args.workers}")
        started = time.monotonic()
        _manage(env, "migrate", "--noinput")
        _manage(env, "seed_registry", "--count", str(args.bodies), "--seed", "1")
        print(f"Set-up (migrate, {args.bodies} bodies) in {time.monotonic() - started:.1f} s")

        sys.path[:0] = [str(ROOT), env["PYTHONPATH"]]
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")})
        import django

        django.setup()
        from cases.models import Filing, FilingScope

        numbers = list(Filing.objects.values_list("number", flat=True))
        occupation_ids = sorted(set(FilingScope.objects.values_list("occupation_id", flat=True)))

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
        _load(port, _paths(numbers, occupation_ids, rng, 100), args.clients)  # warm both workers
        elapsed, results, errors = _load(port, [("healthz", "/healthz")] * min(args.requests, 1000), args.clients)
        _report("/healthz (baseline)", elapsed, results, errors)
        elapsed, results, errors = _load(port, _paths(numbers, occupation_ids, rng, args.requests), args.clients)
        _report("/directory/ mix", elapsed, results, errors)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
