"""Background jobs: retried with growing backoff, a final failure recorded for the admin, never lost."""

from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from viewflow.workflow.models import Task

from cases.applications import services as apply
from config.celery import app
from workflow import background, jobs, notifications
from workflow.flows.filing import FilingFlow
from workflow.models import JobFailure, Notification, NotificationKind, TaskDeadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def notification(applicant):
    [created] = notifications.notify(recipients=[applicant], kind=NotificationKind.APPLICATION_ACCEPTED, event_key="j")
    return created


@pytest.fixture
def review_overdue(draft, applicant):
    """A review task well past its due date."""
    apply.application_submit(application=draft, actor=applicant)
    draft.refresh_from_db()
    task = Task.objects.get(process_id=draft.process_id, flow_task=FilingFlow.review)
    past = timezone.localdate() - timedelta(days=30)
    TaskDeadline.objects.filter(task=task).update(started_on=past - timedelta(days=7), due_on=past)
    return task


@pytest.fixture
def smtp_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server not reachable")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)


def test_a_job_failing_eagerly_is_recorded_and_the_caller_carries_on(notification, smtp_down):
    background.enqueue(jobs.send_notification_email, notification.pk)  # does not raise
    failure = JobFailure.objects.get()
    assert failure.job == "workflow.send_notification_email"
    assert failure.args == [notification.pk]
    assert "ConnectionRefusedError" in failure.error and "SMTP server not reachable" in failure.traceback
    notification.refresh_from_db()
    assert notification.email == Notification.Email.PENDING  # still to be sent, not marked sent


def test_a_failing_job_is_retried_with_growing_backoff_then_gives_up(monkeypatch, notification, smtp_down):
    countdowns = []

    def retry(exc=None, countdown=None, **kwargs):
        countdowns.append(countdown)
        raise Retry(exc=exc, when=countdown)

    job = jobs.send_notification_email
    monkeypatch.setattr(job, "retry", retry)
    for attempt in range(job.max_retries):
        job.push_request(retries=attempt, is_eager=False, called_directly=False)
        try:
            with pytest.raises(Retry):
                job(notification.pk)
        finally:
            job.pop_request()
    assert countdowns == sorted(countdowns) and len(set(countdowns)) == len(countdowns)
    assert 8 <= countdowns[0] <= 10 and countdowns[-1] <= 600
    job.push_request(retries=job.max_retries, is_eager=False, called_directly=False)
    try:
        with pytest.raises(ConnectionRefusedError):  # the last attempt: the error goes to on_failure
            job(notification.pk)
    finally:
        job.pop_request()


def test_a_job_the_broker_refuses_is_recorded_not_lost(monkeypatch, notification):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(jobs.send_notification_email, "apply_async", refuse)
    app.conf.task_always_eager = False  # as with REDIS_URL set; conftest puts it back
    background.enqueue(jobs.send_notification_email, notification.pk)
    failure = JobFailure.objects.get()
    assert failure.queued is False and "Connection refused" in failure.error


def test_the_admin_queues_a_failed_job_again(client, notification, smtp_down, monkeypatch):
    background.enqueue(jobs.send_notification_email, notification.pk)
    failure = JobFailure.objects.get()
    monkeypatch.undo()  # the mail server is back
    admin = User.objects.create_superuser("t-admin", "admin@example.cn", "pw-for-tests")
    client.force_login(admin)
    changelist = reverse("admin:workflow_jobfailure_changelist")
    assert "workflow.send_notification_email" in client.get(changelist).content.decode()
    client.post(changelist, {"action": "retry", "_selected_action": [failure.pk]})
    failure.refresh_from_db()
    assert failure.resolved_at is not None
    notification.refresh_from_db()
    assert notification.email == Notification.Email.SENT and len(mail.outbox) == 1


def test_periodic_jobs_are_scheduled_for_beat(settings):
    schedule = app.conf.beat_schedule
    assert schedule["sla-sweep"]["task"] == "workflow.sla_sweep"
    assert schedule["sla-sweep"]["schedule"] == settings.SLA_SWEEP_INTERVAL
    assert schedule["workflow-timers"]["task"] == "workflow.fire_timers"
    assert all(background.registered_job(entry["task"]) for entry in schedule.values())  # beat sends nothing unknown
    assert "workflow.send_notification_email" in app.tasks


def test_the_embedded_scheduler_runs_each_job_once_then_when_due(review_overdue, chief):
    last_run = {}
    assert set(background.run_due_periodic_jobs(last_run)) == set(app.conf.beat_schedule)
    assert Notification.objects.filter(recipient=chief, kind=NotificationKind.TASK_ESCALATED).exists()
    assert background.run_due_periodic_jobs(last_run) == []  # none is due again a moment later


def test_the_timer_job_fires_due_viewflow_timers():
    assert jobs.fire_timers.delay().get() == 0  # none due; the job runs and reports the count
