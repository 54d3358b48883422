"""Celery application. Without REDIS_URL jobs run eagerly in-process (settings); with it they go through Redis.

Workers: `celery -A config worker -l INFO`; the periodic jobs: `celery -A config beat -l INFO` (one beat
for the whole installation). The schedule is below; without a broker, `runserver` runs the same schedule
from a thread of its own (workflow.jobs.start_embedded_scheduler).
"""

import gc
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("filing")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The jobs of each package that has some, as <package>/jobs.py (workflow.tasks is not about Celery).
app.autodiscover_tasks(["workflow", "cases.certificates", "cases.supervision", "api"], related_name="jobs")


@app.on_after_configure.connect
def _periodic_jobs(sender, **kwargs):
    from django.conf import settings

    sender.conf.beat_schedule = {
        # All idempotent: a run that overlaps the previous one, or a second beat, does no harm.
        "sla-sweep": {"task": "workflow.sla_sweep", "schedule": float(settings.SLA_SWEEP_INTERVAL)},
        "workflow-timers": {"task": "workflow.fire_timers", "schedule": float(settings.WORKFLOW_TIMERS_INTERVAL)},
        "supervision-sweep": {"task": "cases.supervision_sweep", "schedule": crontab(hour=1, minute=30)},
        "webhook-outbox": {"task": "api.webhook_outbox", "schedule": float(settings.WEBHOOK_INTERVAL)},
    }


@worker_process_init.connect
def freeze_startup_objects(**kwargs) -> None:
    """Move what a worker process holds once started (Django, the apps, the font caches) out of the garbage
    collector's sight: full collections then scan only what the jobs allocate. Document layout allocates
    many short-lived objects, and collections over the whole heap were a fifth of a certificate's CPU time.
    """
    gc.freeze()
