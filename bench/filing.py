"""Filing flow figures: completion throughput, audit overhead, queue latency at two sizes."""

import random
import statistics
import time
from contextlib import contextmanager
from unittest import mock

from _setup import django_with_fresh_database

django_with_fresh_database()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases.applications import services as apply  # noqa: E402
from cases.applications.simulation import complete_draft, new_applicant  # noqa: E402
from cases.models import Occupation  # noqa: E402

COUNT = 20


def simulate(count: int, seed: int) -> float:
    started = time.perf_counter()
    call_command(
        "simulate_filings", count=count, seed=seed, stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w")
    )
    return count / (time.perf_counter() - started)


@contextmanager
def audit_disabled():
    """Replace every imported audit_record with a no-op, to measure what recording costs."""
    import audits.services

    targets = [
        "audits.services.audit_record",
        "cases.applications.services.audit_record",
        "cases.inspections.services.audit_record",
        "cases.assessments.services.audit_record",
        "workflow.tasks.audit_record",
        "cases.applications.views.audit_record",
    ]
    patches = [mock.patch(target, lambda **kwargs: None) for target in targets]
    for patch in patches:
        patch.start()
    try:
        yield
    finally:
        for patch in patches:
            patch.stop()
    assert audits.services.audit_record


def queue_latency(clerk: User, size: int) -> tuple[float, int]:
    rng = random.Random(1000 + size)
    occupations = list(Occupation.objects.all())
    for index in range(size):
        user, organisation = new_applicant(rng, 10_000 + index)
        draft = complete_draft(applicant=user, organisation=organisation, occupation=rng.choice(occupations), rng=rng)
        apply.application_submit(application=draft, actor=user)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(clerk)
    timings = []
    for _ in range(15):
        started = time.perf_counter()
        client.get("/app/tasks/queue/")
        timings.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        client.get("/app/tasks/queue/")
    return statistics.median(timings) * 1000, len(queries)


def main() -> None:
    simulate(2, seed=1)  # warm up: fonts, templates
    with_audit = simulate(COUNT, seed=2)
    with audit_disabled():
        without_audit = simulate(COUNT, seed=3)
    overhead = (without_audit / with_audit - 1) * 100
    print(
        f"simulate_filings: {with_audit:.2f} applications/s with the audit trail, "
        f"{without_audit:.2f}/s without it (recording costs {overhead:.1f}% of the time)"
    )
    clerk = User.objects.get(username="demo-clerk")
    queued = 0
    for size in (25, 100):
        latency, queries = queue_latency(clerk, size - queued)
        queued = size
        print(f"clerk queue page with {size} waiting tasks (25 shown): median {latency:.1f} ms, {queries} queries")


if __name__ == "__main__":
    main()
