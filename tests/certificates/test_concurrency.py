"""Concurrent registrations: certificate numbers stay unique and gap-free per body, year and level
(PostgreSQL, real threads, real row locks)."""

import threading

import pytest
from django.db import connection, connections

from cases.certificates.services import batches as services
from cases.models import Certificate, CertificateIssuer, CertificateSerial
from tests.certificates.conftest import good_rows, imported_batch, make_filing, make_plan
from tests.factories import OrganisationFactory, UserFactory
from workflow import roles

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are only real on PostgreSQL"),
]


def _race(workers):
    barrier = threading.Barrier(len(workers))
    outcomes = []

    def run(work):
        try:
            barrier.wait()
            work()
            outcomes.append("ok")
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(outcomes)


def _submitted_batches(filing, applicant, count, size, start=0):
    batches = []
    for index in range(count):
        rows = good_rows(size, start=start + index * 100)
        batch = imported_batch(make_plan(filing, applicant, level=4), applicant, rows)
        services.result_batch_submit(batch=batch, actor=applicant)
        batches.append(batch)
    return batches


def _reviewers(count):
    return [UserFactory(username=f"t-reviewer-{n}", roles=[roles.SUPERVISOR]) for n in range(count)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_registrations_of_one_body_number_without_gaps(applicant, organisation, occupation, monkeypatch):
    filing = make_filing(organisation=organisation, applicant=applicant, occupation=occupation)
    batches = _submitted_batches(filing, applicant, count=5, size=6)
    reviewers = _reviewers(5)
    # One registration fails after it has taken its serials: its transaction, serials included, rolls back.
    doomed = batches[2].plan_id
    original = services._note_assessment_held

    def note(plan):
        if plan.pk == doomed:
            raise RuntimeError("registration failed late")
        original(plan)

    monkeypatch.setattr(services, "_note_assessment_held", note)
    outcomes = _race(
        [
            lambda batch=batch, reviewer=reviewer: services.result_batch_approve(batch=batch, actor=reviewer)
            for batch, reviewer in zip(batches, reviewers, strict=True)
        ]
    )
    assert outcomes == ["RuntimeError", "ok", "ok", "ok", "ok"]
    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 24
    assert sorted(int(number[-6:]) for number in numbers) == list(range(1, 25))
    assert CertificateSerial.objects.get().last == 24
    assert not batches[2].certificates.exists()
    # Each batch got one consecutive run of serials, in the order of its file.
    for batch in batches[:2] + batches[3:]:
        serials = [int(n[-6:]) for n in batch.certificates.order_by("candidate__line").values_list("number", flat=True)]
        assert serials == list(range(serials[0], serials[0] + 6))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bodies_registering_for_the_first_time_at_once_get_distinct_sequences(occupation):
    filings, applicants = [], []
    for n in range(4):
        user = UserFactory(username=f"t-body-{n}", roles=[roles.APPLICANT])
        organisation = OrganisationFactory(name=f"并发机构{n}", members=[user])
        filings.append(make_filing(organisation=organisation, applicant=user, occupation=occupation, seed=n))
        applicants.append(user)
    batches = [
        _submitted_batches(filing, user, count=1, size=2, start=1000 * n)[0]
        for n, (filing, user) in enumerate(zip(filings, applicants, strict=True))
    ]
    reviewers = _reviewers(4)
    outcomes = _race(
        [
            lambda batch=batch, reviewer=reviewer: services.result_batch_approve(batch=batch, actor=reviewer)
            for batch, reviewer in zip(batches, reviewers, strict=True)
        ]
    )
    assert outcomes == ["ok"] * 4
    assert sorted(CertificateIssuer.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4]
    prefixes = {number[:13] for number in Certificate.objects.values_list("number", flat=True)}
    assert len(prefixes) == 4
