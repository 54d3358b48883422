"""How background jobs are queued and started, what happens when they fail, and the embedded scheduler.

With REDIS_URL set the jobs go through Redis to the workers (`celery -A config worker`) and the
periodic ones are sent by `celery -A config beat` (config/celery.py has the schedule). Without it
(the embedded default) they run eagerly in the caller, and `runserver` starts a small in-process
scheduler for the periodic ones (`start_embedded_scheduler`).

Every job is idempotent, so a retry or a second delivery does no harm. A job that raises is
retried with exponential backoff; after the last retry (or, eagerly, at once) the failure is
stored as a JobFailure, which the admin lists and can queue again.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import traceback as tb

from celery import Task as CeleryTask
from celery.schedules import maybe_schedule
from django.conf import settings
from django.db import close_old_connections, connections

from config.celery import app

logger = logging.getLogger(__name__)


def backoff(retries: int) -> int:
    """Seconds before retry number `retries` + 1: 10, 20, 40 ... up to JOB_RETRY_BACKOFF_MAX, with jitter."""
    delay = min(settings.JOB_RETRY_BACKOFF_MAX, 10 * 2**retries)
    return int(delay * random.uniform(0.8, 1.0))  # noqa: S311 (spreading retries, not security)


def record_failure(*, job: str, args, kwargs, error: BaseException, task_id: str = "", attempts: int = 1, queued=True):
    """Store a failed job for the admin; never raises (it runs where an exception has nowhere to go)."""
    from workflow.models import JobFailure

    try:
        return JobFailure.objects.create(
            job=job,
            task_id=task_id or "",
            args=list(args or []),
            kwargs=dict(kwargs or {}),
            error=f"{type(error).__name__}: {error}"[:5000],
            traceback="".join(tb.format_exception(error))[-20000:],
            attempts=attempts,
            queued=queued,
        )
    except Exception:  # the database itself may be what failed; the log is the last resort
        logger.exception("Could not record the failure of job %s%s", job, tuple(args or ()))
        return None


class RecordedJob(CeleryTask):
    """Retries with backoff, and records the final failure instead of losing it."""

    max_retries = 5

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except Exception as error:
            request = self.request
            if request.called_directly:
                raise  # a plain function call: the caller handles it
            if request.is_eager:
                # Nobody waits for a backoff in eager mode, and with task_eager_propagates Celery calls no
                # on_failure: record it here, once.
                record_failure(job=self.name, args=args, kwargs=kwargs, error=error, task_id=request.id or "")
                raise
            if request.retries >= self.max_retries:
                raise  # on_failure records it
            raise self.retry(exc=error, countdown=backoff(request.retries)) from error

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if self.request.is_eager:
            return  # recorded by __call__
        logger.error("Job %s[%s] failed for good: %r", self.name, task_id, exc)
        record_failure(
            job=self.name, args=args, kwargs=kwargs, error=exc, task_id=task_id, attempts=self.request.retries + 1
        )


def enqueue(job, *args) -> None:
    """Queue a job, given as the job or its registered name (run it, in eager mode); a job the broker refuses
    is recorded, not lost.

    Meant for transaction.on_commit: it never raises, so a failed e-mail cannot turn a committed
    change into an error page.
    """
    if isinstance(job, str):
        job = registered_job(job)
    try:
        job.apply_async(args=args)
    except Exception as error:
        if app.conf.task_always_eager:
            logger.warning("Job %s%s failed eagerly (recorded): %r", job.name, args, error)
        else:  # not in the broker: nothing else knows about it
            logger.exception("Could not queue job %s%s", job.name, args)
            record_failure(job=job.name, args=args, kwargs={}, error=error, queued=False)


# The embedded scheduler (no broker, no beat)

_scheduler: threading.Thread | None = None


def registered_job(name: str):
    """The job of that name, importing every app's jobs first if it is not known yet (a web process has not
    imported them, a worker has). Importing runs Django's system checks through Celery's fix-up: once, not per job."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks.get(name)


def run_due_periodic_jobs(last_run: dict) -> list[str]:
    """Run (eagerly) each job of the beat schedule that is due, given when each last ran; returns their names.

    A job not in `last_run` has never run and is due. `last_run` is updated in place.
    """
    ran = []
    for name, entry in app.conf.beat_schedule.items():
        if name in last_run and not maybe_schedule(entry["schedule"], app=app).is_due(last_run[name]).is_due:
            continue
        last_run[name] = app.now()
        job = registered_job(entry["task"])
        if job is None:
            logger.warning("Periodic job %s is not registered; skipped", entry["task"])
            continue
        enqueue(job)
        ran.append(name)
    return ran


def start_embedded_scheduler() -> bool:
    """In the embedded set-up, run the beat schedule from a daemon thread of the web process.

    Started by WorkflowConfig.ready() in runserver's serving process when there is no broker: every
    periodic job runs once shortly after the start, then on its schedule. Production runs `celery beat`
    instead. Returns whether a scheduler was started.
    """
    global _scheduler
    if _scheduler is not None or not settings.EMBEDDED_SCHEDULER or not app.conf.task_always_eager:
        return False

    def loop():
        time.sleep(settings.EMBEDDED_SCHEDULER_DELAY)
        last_run = {}
        while True:
            try:
                run_due_periodic_jobs(last_run)
            finally:
                connections.close_all()
            time.sleep(5)

    _scheduler = threading.Thread(target=loop, name="embedded-scheduler", daemon=True)
    _scheduler.start()
    logger.info("Embedded scheduler started: periodic jobs run in this process (no REDIS_URL).")
    return True


# Long jobs (imports, certificate downloads)


def _in_thread(job, args) -> None:
    close_old_connections()
    try:
        job.run(*args)
    except Exception:  # the job records its own failure; a thread has nobody to raise to
        logger.exception("Background job %s%s failed", job.name, args)
    finally:
        connections.close_all()


def start(job, *args) -> None:
    """Start a long job (given as the job or its name) the configured way; call it from transaction.on_commit.

    settings.BACKGROUND_JOBS: "celery" sends it to the workers (production, with REDIS_URL); "thread" runs it
    in a thread of the web process, so that the embedded set-up (`make run`, no broker) answers the page at
    once and shows progress while the job runs; "inline" runs it in the caller (tests).
    """
    if isinstance(job, str):
        job = registered_job(job)
    mode = settings.BACKGROUND_JOBS
    if mode == "inline":
        job.run(*args)
    elif mode == "thread":
        threading.Thread(target=_in_thread, args=(job, args), name=f"job-{job.name}", daemon=True).start()
    else:
        job.delay(*args)
