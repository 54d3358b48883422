"""Several SLA sweeps at once (two beats, an overlapping run): each task still escalates once (PostgreSQL, threads)."""

import threading
from datetime import date

import pytest
from django.db import connection, connections
from viewflow.workflow.models import Task

from cases.applications import services as apply
from workflow.flows.filing import FilingFlow
from workflow.models import Notification, NotificationKind, TaskDeadline
from workflow.sla import sla_sweep
from workflow.tasks import task_claim

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are only real on PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_concurrent_sweeps_escalate_and_notify_once(draft, applicant, clerk, chief):
    apply.application_submit(application=draft, actor=applicant)
    draft.refresh_from_db()
    task = Task.objects.get(process_id=draft.process_id, flow_task=FilingFlow.review)
    task_claim(task_id=task.pk, actor=clerk)
    TaskDeadline.objects.filter(task=task).update(started_on=date(2026, 3, 4), due_on=date(2026, 3, 11))

    barrier = threading.Barrier(4)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(sla_sweep(today=date(2026, 3, 20)))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(len(r.overdue) for r in results) == 1
    assert sum(len(r.escalated) for r in results) == 1
    assert Notification.objects.filter(recipient=clerk, kind=NotificationKind.DEADLINE_OVERDUE).count() == 1
    assert Notification.objects.filter(recipient=chief, kind=NotificationKind.TASK_ESCALATED).count() == 1
