"""The long background jobs of certificates (Celery tasks); workflow.background.start runs them."""

import logging

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
