"""The background jobs of the workflow app (Celery tasks); workflow.background queues and runs them."""

from config.celery import app
from workflow.background import RecordedJob


@app.task(base=RecordedJob, name="workflow.send_notification_email", ignore_result=True)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification (once: a sent one is skipped)."""
    from workflow.notifications import send_notification_email as send

    return send(notification_id)


@app.task(base=RecordedJob, name="workflow.sla_sweep")
def sla_sweep(today: str | None = None) -> dict:
    """The periodic SLA sweep: reminders, overdue marks, escalations (each once)."""
    from datetime import date

    from workflow.sla import sla_sweep as sweep

    result = sweep(today=date.fromisoformat(today) if today else None)
    return {name: len(getattr(result, name)) for name in ("backfilled", "warned", "overdue", "escalated")}


@app.task(base=RecordedJob, name="workflow.fire_timers")
def fire_timers() -> int:
    """Fire viewflow's due flow.Timer tasks (the open edition has no Celery task of its own)."""
    from viewflow.workflow.timers import fire_due_timers

    return fire_due_timers()
