"""The Redis path for real: jobs sent through the broker in REDIS_URL and run by a Celery worker.

Runs only with REDIS_URL set (CI sets it in its PostgreSQL run). The worker runs in a thread of
the test process, so it sees the test database and Django's test mail outbox.
"""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from viewflow.workflow.models import Task

from cases.applications import services as apply
from config.celery import app
from workflow import jobs, notifications
from workflow.flows.filing import FilingFlow
from workflow.models import JobFailure, Notification, NotificationKind, TaskDeadline

THROUGH_REDIS = True  # tests/workflow/conftest.py leaves the jobs non-eager here
pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a Redis server)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keep the migrated districts and roles
]


class RefusingBackend:
    """An e-mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server not reachable")


@pytest.fixture
def worker():
    assert not app.conf.task_always_eager, "REDIS_URL is set: jobs must go through the broker"
    assert app.conf.broker_url.startswith("redis://")
    app.control.purge()  # leftovers of an earlier run must not run against this test's database
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
        yield


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_an_email_job_goes_through_redis_to_a_worker(worker, applicant):
    # Autocommit: the job is queued as soon as the notification is saved.
    [notification] = notifications.notify(
        recipients=[applicant], kind=NotificationKind.APPLICATION_ACCEPTED, event_key="redis", data={}
    )
    assert _wait_for(lambda: Notification.objects.get(pk=notification.pk).email == Notification.Email.SENT)
    assert [message.to for message in mail.outbox] == [[applicant.email]]


def test_the_sla_sweep_runs_on_a_worker_and_twice_is_once(worker, draft, applicant, chief):
    apply.application_submit(application=draft, actor=applicant)
    draft.refresh_from_db()
    task = Task.objects.get(process_id=draft.process_id, flow_task=FilingFlow.review)
    TaskDeadline.objects.filter(task=task).update(started_on="2026-03-04", due_on="2026-03-11")
    first = jobs.sla_sweep.delay("2026-03-20").get(timeout=30)
    second = jobs.sla_sweep.delay("2026-03-20").get(timeout=30)
    assert (first["overdue"], first["escalated"]) == (1, 1)
    assert (second["overdue"], second["escalated"]) == (0, 0)
    assert Notification.objects.filter(recipient=chief, kind=NotificationKind.TASK_ESCALATED).count() == 1


def test_a_job_that_keeps_failing_is_retried_then_recorded(worker, applicant, settings):
    settings.EMAIL_BACKEND = "tests.workflow.test_redis_jobs.RefusingBackend"
    settings.JOB_RETRY_BACKOFF_MAX = 1  # retries within a second, not minutes
    [notification] = notifications.notify(
        recipients=[applicant], kind=NotificationKind.APPLICATION_ACCEPTED, event_key="redis-fail", data={}
    )
    assert _wait_for(lambda: JobFailure.objects.exists(), timeout=60)
    failure = JobFailure.objects.get()
    assert failure.job == "workflow.send_notification_email" and failure.args == [notification.pk]
    assert failure.attempts == jobs.send_notification_email.max_retries + 1
    assert Notification.objects.get(pk=notification.pk).email == Notification.Email.PENDING
