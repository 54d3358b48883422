"""Background jobs of the API (Celery tasks): the webhook outbox and each delivery attempt."""

from config.celery import app
from workflow.background import RecordedJob


@app.task(base=RecordedJob, name="api.webhook_outbox", ignore_result=True)
def webhook_outbox() -> int:
    """The periodic run: new status changes become deliveries; due deliveries (retries too) are queued."""
    from api import idempotency, webhooks

    created = webhooks.outbox_run()
    webhooks.send_due()
    idempotency.purge_expired()
    return created


@app.task(base=RecordedJob, name="api.deliver_webhook", ignore_result=True)
def deliver_webhook(delivery_id: int) -> str:
    """One attempt at one delivery (a failure is rescheduled on the delivery itself, with backoff)."""
    from api.webhooks import deliver

    return deliver(delivery_id)
