"""Fifty people pressing the same button at once, a hundred times: one lock order, no deadlock.

For each round, 50 threads (each its own database connection) act on the same task at the same moment:
a queued task everyone may take, or a task one of them has claimed. Exactly one wins every round, every
other gets the clean refusal (TaskUnavailable), and the database reports no error at all (no deadlock,
no lock timeout, no serialisation failure). The filing review, a supervision step and a certificate-batch
review go through the same claim-and-complete path (cases.common.steps.run_task_step).
"""

import random
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone
from viewflow.workflow.models import Task

from audits.chain import verify_chain
from cases.applications import services as apply
from cases.applications.simulation import complete_draft
from cases.certificates.services import batches as batch_services
from cases.models import ApplicationState, BatchState, FilingApplication, ResultBatch, SupervisionCase
from cases.supervision.services import cases as supervision
from tests.certificates.conftest import good_rows, imported_batch, make_plan
from tests.certificates.conftest import make_filing as make_body_filing
from tests.factories import UserFactory
from tests.registry.helpers import make_filing
from workflow import roles
from workflow.flows.certificates import ResultBatchFlow
from workflow.flows.filing import FilingFlow
from workflow.flows.supervision import SupervisionFlow
from workflow.tasks import TaskUnavailable, task_claim

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are only real on PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS, ROUNDS = 50, 100
WON = "won"


def blast(subjects, attempt) -> list[list[str]]:
    """Round r: THREADS workers call attempt(worker, subjects[r]) at the same moment; their outcomes per round.

    An outcome is WON, the TaskUnavailable message, or the repr of any other exception (a test failure).
    """
    barrier = threading.Barrier(THREADS)
    outcomes = [[None] * THREADS for _ in subjects]

    def worker(n: int) -> None:
        try:
            for r, subject in enumerate(subjects):
                barrier.wait(timeout=120)
                try:
                    attempt(n, subject)
                    outcomes[r][n] = WON
                except TaskUnavailable as refusal:
                    outcomes[r][n] = f"refused: {refusal}"
                except Exception as error:  # noqa: BLE001 - reported by the assertion below
                    outcomes[r][n] = f"error: {error!r}"
                barrier.wait(timeout=120)  # the round is over for everyone before the next begins
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60 + 30 * len(subjects))
    print(f"{len(subjects)} rounds x {THREADS} threads in {time.monotonic() - started:.1f} s")
    return outcomes


def assert_one_winner_per_round(outcomes) -> None:
    errors = [outcome for round_ in outcomes for outcome in round_ if not outcome.startswith(("won", "refused"))]
    assert errors == [], errors[:5]
    winners = [round_.count(WON) for round_ in outcomes]
    assert winners == [1] * len(outcomes)


def people(role: str, count: int, prefix: str) -> list:
    return [UserFactory(username=f"{prefix}-{n}", roles=[role]) for n in range(count)]


def claim_all(subjects, node, holder) -> None:
    for subject in subjects:
        task = Task.objects.get(process_id=subject.process_id, flow_task=node, status="NEW")
        task_claim(task_id=task.pk, actor=holder)


def holder_or_others(holder, others):
    """Half the workers are the holder (a double click, several tabs), half are colleagues who may not take it."""
    return lambda n: holder if n % 2 == 0 else others[n]


# The filing review: 50 clerks accept the same application


@pytest.fixture
def submitted(applicant, organisation, occupation):
    applications = []
    for n in range(ROUNDS):
        draft = complete_draft(
            applicant=applicant, organisation=organisation, occupation=occupation, rng=random.Random(n)
        )
        apply.application_submit(application=draft, actor=applicant)
        applications.append(FilingApplication.objects.get(pk=draft.pk))
    return applications


@pytest.fixture
def occupation(db):
    from cases.common.demo import OCCUPATIONS_SAMPLE
    from cases.common.reference import occupations_import_csv
    from cases.models import Occupation

    occupations_import_csv(text=OCCUPATIONS_SAMPLE.read_text(encoding="utf-8"))
    return Occupation.objects.get(code="6-18-02-04", trade="")


@pytest.mark.parametrize("claimed", [False, True], ids=["queued", "claimed"])
def test_fifty_clerks_accept_the_same_application(submitted, claimed):
    clerks = people(roles.CLERK, THREADS, "t-blast-clerk")
    if claimed:
        claim_all(submitted, FilingFlow.review, clerks[0])
    actor = holder_or_others(clerks[0], clerks) if claimed else clerks.__getitem__

    outcomes = blast(
        submitted, lambda n, application: apply.application_accept(application=application, actor=actor(n))
    )

    assert_one_winner_per_round(outcomes)
    states = FilingApplication.objects.filter(pk__in=[a.pk for a in submitted]).values_list("state", flat=True)
    assert set(states) == {ApplicationState.ACCEPTED}
    if claimed:
        assert all(round_.index(WON) % 2 == 0 for round_ in outcomes)  # only the holder wins
    assert_every_case_moved_on_once(submitted, FilingFlow.review)


# A supervision step: 50 supervisors plan the inspection of the same case


@pytest.fixture
def opened_cases(occupation):
    supervisor = UserFactory(username="t-blast-opener", roles=[roles.SUPERVISOR])
    filing = make_filing(occupations=[occupation])
    return [
        supervision.case_open(filing=filing, trigger="other", summary=f"专项检查 {n}", actor=supervisor)
        for n in range(ROUNDS)
    ]


@pytest.mark.parametrize("claimed", [False, True], ids=["queued", "claimed"])
def test_fifty_supervisors_plan_the_same_inspection(opened_cases, claimed):
    supervisors = people(roles.SUPERVISOR, THREADS, "t-blast-supervisor")
    leader, member = people(roles.INSPECTOR, 2, "t-blast-inspector")
    if claimed:
        claim_all(opened_cases, SupervisionFlow.plan, supervisors[0])
    actor = holder_or_others(supervisors[0], supervisors) if claimed else supervisors.__getitem__
    day = timezone.localdate()

    def plan(n, case):
        supervision.case_plan_inspection(
            case=case, actor=actor(n), inspection_date=day, leader=leader, members=[member]
        )

    assert_one_winner_per_round(blast(opened_cases, plan))
    assert set(SupervisionCase.objects.values_list("state", flat=True)) == {"inspecting"}
    assert_every_case_moved_on_once(opened_cases, SupervisionFlow.plan)


# A certificate-batch review: 50 reviewers register the same batch


@pytest.fixture
def submitted_batches(settings, applicant, organisation, occupation, tmp_path):
    settings.BACKGROUND_JOBS = "inline"
    filing = make_body_filing(organisation=organisation, applicant=applicant, occupation=occupation)
    batches = []
    for n in range(ROUNDS):
        batch = imported_batch(make_plan(filing, applicant, level=4), applicant, good_rows(1, start=n))
        batch_services.result_batch_submit(batch=batch, actor=applicant)
        batches.append(ResultBatch.objects.get(pk=batch.pk))
    return batches


@pytest.mark.parametrize("claimed", [False, True], ids=["queued", "claimed"])
def test_fifty_reviewers_register_the_same_batch(submitted_batches, claimed):
    reviewers = people(roles.SUPERVISOR, THREADS, "t-blast-reviewer")
    if claimed:
        claim_all(submitted_batches, ResultBatchFlow.review, reviewers[0])
    actor = holder_or_others(reviewers[0], reviewers) if claimed else reviewers.__getitem__

    outcomes = blast(
        submitted_batches, lambda n, batch: batch_services.result_batch_approve(batch=batch, actor=actor(n))
    )

    assert_one_winner_per_round(outcomes)
    assert set(ResultBatch.objects.values_list("state", flat=True)) == {BatchState.REGISTERED}
    assert_every_case_moved_on_once(submitted_batches, ResultBatchFlow.review)


def assert_every_case_moved_on_once(subjects, node) -> None:
    """Each case's step was completed once, by one person, with one audit event; the chain verifies."""
    from audits.models import AuditEvent

    process_ids = [subject.process_id for subject in subjects]
    done = Task.objects.filter(process_id__in=process_ids, flow_task=node)
    assert done.count() == len(subjects) and set(done.values_list("status", flat=True)) == {"DONE"}
    completed = AuditEvent.objects.filter(action="task.completed", object_id__in=[str(t.pk) for t in done])
    assert completed.count() == len(subjects)
    verify_chain()
