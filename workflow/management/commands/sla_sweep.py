from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from workflow.sla import sla_sweep


class Command(BaseCommand):
    help = (
        "SLA sweep: remind owners of tasks due soon, mark overdue tasks and tell their owners, and escalate "
        "tasks overdue past the grace to the section chiefs. Idempotent: each happens once per task. "
        "Celery beat runs it every SLA_SWEEP_INTERVAL seconds; this command runs it by hand or from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(_("--today must be a date written YYYY-MM-DD.")) from None
        result = sla_sweep(today=day)
        rows = [
            (_("Given a deadline (older tasks)"), result.backfilled),
            (_("Reminded of a deadline"), result.warned),
            (_("Marked overdue"), result.overdue),
            (_("Escalated to the chief"), result.escalated),
        ]
        for label, task_ids in rows:
            shown = ", ".join(str(pk) for pk in task_ids[:50])
            self.stdout.write(f"{label}: {len(task_ids)}" + (f" ({shown})" if task_ids else ""))
