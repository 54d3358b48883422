"""Background jobs of the cases app (Celery tasks) and how they are started.

`dispatch` follows settings.BACKGROUND_JOBS: "celery" sends the task to the workers (production,
with REDIS_URL); "thread" runs it in a thread of the web process, so that the embedded set-up
(`make run`, no broker) still answers the page at once and shows progress while the job runs;
"inline" runs it in the caller (tests).
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections

from config.celery import app

logger = logging.getLogger(__name__)


@app.task(name="cases.result_import_run", acks_late=True)
def result_import_run(job_id: int) -> None:
    """Check and import an uploaded results file."""
    from cases.certificates.imports.job import run_import

    run_import(job_id=job_id)


@app.task(name="cases.certificate_export_run", acks_late=True)
def certificate_export_run(export_id: int) -> None:
    """Render a registered batch's certificates into a ZIP."""
    from cases.certificates.services.documents import certificate_export_run as run

    run(export_id=export_id)


def _in_thread(task, args) -> None:
    close_old_connections()
    try:
        task.run(*args)
    except Exception:  # the job records its own failure; a thread has nobody to raise to
        logger.exception("Background job %s%s failed", task.name, args)
    finally:
        connections.close_all()


def dispatch(task, *args) -> None:
    """Start a job the configured way (call it from transaction.on_commit)."""
    mode = settings.BACKGROUND_JOBS
    if mode == "inline":
        task.run(*args)
    elif mode == "thread":
        threading.Thread(target=_in_thread, args=(task, args), name=f"job-{task.name}", daemon=True).start()
    else:
        task.delay(*args)
