"""Periodic job of the registry and supervision (autodiscovered by config/celery.py as <app>/jobs.py)."""

from config.celery import app
from workflow.background import RecordedJob


@app.task(base=RecordedJob, name="cases.supervision_sweep")
def supervision_sweep(today: str | None = None) -> dict:
    """Daily: expired filings, missed rectification deadlines, late or anomalous annual reports, inactive bodies.

    Idempotent (each finding opens at most one case), so an overlapping run or a second beat does no harm.
    """
    from datetime import date

    from cases.supervision.services.sweep import supervision_sweep as sweep

    result = sweep(today=date.fromisoformat(today) if today else None)
    return {name: len(getattr(result, name)) for name in ("expired", "lapsed", "late_reports", "anomalies", "inactive")}
