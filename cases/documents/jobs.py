"""Background jobs rendering documents (Celery tasks, listed in settings.CELERY_IMPORTS).

Each task renders, signs and stores documents already issued (numbered, content frozen); rendering is
idempotent, so a retried or duplicated task does no harm. Celery's prefork pool runs one process per
core by default, so the chunks of a registered batch render in parallel.
"""

from config.celery import app
from workflow.background import RecordedJob


@app.task(base=RecordedJob, name="cases.document_render", acks_late=True, ignore_result=True)
def document_render(document_id: int) -> None:
    from cases.documents.rendering import document_render as render

    render(document_id)


@app.task(base=RecordedJob, name="cases.documents_render", acks_late=True, ignore_result=True)
def documents_render(document_ids: list[int]) -> None:
    from cases.documents.rendering import documents_render as render

    render(document_ids)
