"""Two people completing the same task at once: exactly one wins (PostgreSQL, real threads)."""

import random

import pytest
from django.db import connection

from cases.applications import services as apply
from cases.applications.simulation import complete_draft
from cases.models import ApplicationState as S
from cases.models import FilingApplication
from tests.concurrency import race
from workflow.selectors import queue_for
from workflow.tasks import TaskUnavailable, task_claim

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are only real on PostgreSQL"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clerks_accepting_the_same_claimed_task_only_one_wins(applicant, organisation, occupation, clerk):
    draft = complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=random.Random(3))
    apply.application_submit(application=draft, actor=applicant)
    task = queue_for(user=clerk).get().task
    task_claim(task_id=task.pk, actor=clerk)

    def accept():
        apply.application_accept(application=draft, actor=clerk)

    assert race([accept, accept, accept], refusals=(TaskUnavailable,)) == ["refused", "refused", "won"]
    application = FilingApplication.objects.get(pk=draft.pk)
    assert application.state == S.ACCEPTED
    assert application.inspections.count() == 0
    assert application.process.task_set.filter(flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"]).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clerks_claiming_the_same_queued_task_only_one_wins(applicant, organisation, occupation, clerk):
    from tests.factories import UserFactory
    from workflow import roles

    other = UserFactory(username="t-clerk-2", roles=[roles.CLERK])
    draft = complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=random.Random(4))
    apply.application_submit(application=draft, actor=applicant)
    task = queue_for(user=clerk).get().task

    assert race(
        [lambda: task_claim(task_id=task.pk, actor=clerk), lambda: task_claim(task_id=task.pk, actor=other)],
        refusals=(TaskUnavailable,),
    ) == [
        "refused",
        "won",
    ]
