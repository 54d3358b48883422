"""The audit chain's lock is held for microseconds: an unrelated writer does not wait for the steps (PostgreSQL).

A separate process (its own interpreter, so that the steps' Python work does not take its turns) appends one
audit event per transaction, as every sign-in and download does; its 95th percentile while 20 clerks accept
20 applications at once (each issuing and rendering its acceptance notice) stays within twice its idle figure,
or 10 ms above it (see _bound). Before the events of a step were chained at commit, it waited for whole steps.
"""

import multiprocessing
import os
import random
import statistics
import threading
import time

import pytest
from django.db import connection, connections, transaction

from audits.chain import verify_chain
from audits.models import AuditEvent
from audits.services import audit_record, chained_at_commit
from cases.applications import services as apply
from cases.applications.simulation import complete_draft
from cases.models import ApplicationState, FilingApplication
from tests.factories import UserFactory
from workflow import roles

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the chain's lock is only real on PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ACCEPTS = 20


def _write(stop, results, count: int) -> None:
    """The unrelated writer (a child process): one event per transaction until told to stop or `count` done."""
    if os.geteuid() == 0:  # measure the lock, not the share of two cores the steps leave to the writer
        os.nice(-5)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            os.setpriority(os.PRIO_PROCESS, cursor.fetchone()[0], -5)
    latencies = []
    try:
        while (count and len(latencies) < count) or (not count and not stop.is_set()):
            started = time.perf_counter()
            audit_record(actor=None, action="test.writer", object_type="tests.writer", object_id=str(len(latencies)))
            latencies.append(time.perf_counter() - started)
            time.sleep(0.002)
    finally:
        connections.close_all()
        results.put(latencies)


def _writer(*, count: int = 0):
    context = multiprocessing.get_context("fork")
    connections.close_all()  # the child opens its own connection
    stop, results = context.Event(), context.Queue()
    process = context.Process(target=_write, args=(stop, results, count))
    process.start()
    return process, stop, results


def p95(values) -> float:
    return statistics.quantiles(values, n=20)[-1]


@pytest.fixture
def submit_twenty(applicant, organisation):
    """Submits ACCEPTS fresh applications each time it is called."""
    from cases.common.demo import OCCUPATIONS_SAMPLE
    from cases.common.reference import occupations_import_csv
    from cases.models import Occupation

    occupations_import_csv(text=OCCUPATIONS_SAMPLE.read_text(encoding="utf-8"))
    occupation = Occupation.objects.get(code="6-18-02-04", trade="")
    seeds = iter(range(1000))

    def submit() -> list[FilingApplication]:
        applications = []
        for _n in range(ACCEPTS):
            draft = complete_draft(
                applicant=applicant, organisation=organisation, occupation=occupation, rng=random.Random(next(seeds))
            )
            apply.application_submit(application=draft, actor=applicant)
            applications.append(FilingApplication.objects.get(pk=draft.pk))
        return applications

    return submit


def _round(submitted, clerks) -> tuple[list[float], list[float], list]:
    """The writer alone, then the writer while ACCEPTS clerks accept at once: (idle, busy, errors)."""
    process, _stop, results = _writer(count=200)
    idle = results.get(timeout=120)
    process.join(timeout=30)

    process, stop, results = _writer()
    time.sleep(0.2)  # the writer is under way before the steps start
    barrier, errors = threading.Barrier(ACCEPTS), []
    started = time.perf_counter()

    def accept(n: int) -> None:
        try:
            barrier.wait(timeout=60)
            apply.application_accept(application=submitted[n], actor=clerks[n])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(n,)) for n in range(ACCEPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    accepts_took = time.perf_counter() - started
    stop.set()
    busy = results.get(timeout=120)
    process.join(timeout=30)
    print(
        f"writer p95 idle {p95(idle) * 1000:.1f} ms, during {ACCEPTS} accepts ({accepts_took:.1f} s, "
        f"{len(busy)} events) {p95(busy) * 1000:.1f} ms, max {max(busy) * 1000:.1f} ms"
    )
    return idle, busy, errors


def _bound(idle) -> float:
    """Twice the idle p95, or the idle p95 plus 10 ms if more: with 20 accepts on 2 cores the writer also waits
    for its share of the CPU (a few ms), which is not the lock; a lock held around rendering costs it seconds."""
    return max(2 * p95(idle), p95(idle) + 0.010)


def test_an_unrelated_writer_does_not_wait_for_twenty_accepts(submit_twenty):
    """The bound holds in one of three rounds: on a shared machine another program's load can disturb one
    round's idle or busy figure by milliseconds, while the lock held around rendering cost the writer seconds."""
    clerks = [UserFactory(username=f"t-lock-clerk-{n}", roles=[roles.CLERK]) for n in range(ACCEPTS)]
    ratios = []
    for _attempt in range(3):
        idle, busy, errors = _round(submit_twenty(), clerks)
        assert errors == []
        assert len(busy) >= 20
        ratios.append(p95(busy) / p95(idle))
        if p95(busy) <= _bound(idle):
            break
    assert set(FilingApplication.objects.values_list("state", flat=True)) == {ApplicationState.ACCEPTED}
    assert p95(busy) <= _bound(idle), ratios
    verify_chain()


def test_events_of_a_step_wait_for_its_commit_and_leave_the_lock_free_meanwhile():
    """While a transaction in chained_at_commit has recorded events and is still working, another connection
    appends at once; at commit its events follow in one piece, and the chain verifies."""
    recorded, appended = threading.Event(), threading.Event()
    outcome = {}

    def step() -> None:
        try:
            with chained_at_commit(), transaction.atomic():
                audit_record(actor=None, action="test.step", object_type="tests.step", object_id="1")
                audit_record(actor=None, action="test.step", object_type="tests.step", object_id="2")
                recorded.set()
                outcome["other_done"] = appended.wait(timeout=10)  # the other writer got the lock meanwhile
        finally:
            connections.close_all()

    def other() -> None:
        try:
            recorded.wait(timeout=10)
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
            audit_record(actor=None, action="test.other", object_type="tests.other", object_id="1")
            appended.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=step), threading.Thread(target=other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcome == {"other_done": True}
    order = list(AuditEvent.objects.order_by("id").values_list("action", "object_id"))
    assert order[-3:] == [("test.other", "1"), ("test.step", "1"), ("test.step", "2")]
    assert verify_chain() >= 3
