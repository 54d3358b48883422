from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.supervision.services.sweep import supervision_sweep


class Command(BaseCommand):
    help = (
        "Daily supervision job: record expired filings, move rectification orders past their deadline to "
        "verification, and open cases for late annual reports, anomalous reports and inactive bodies. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(_("--today must be a date written YYYY-MM-DD.")) from None
        result = supervision_sweep(today=day)
        rows = [
            (_("Filings expired"), result.expired),
            (_("Rectification deadlines missed"), result.lapsed),
            (_("Cases opened for late annual reports"), result.late_reports),
            (_("Cases opened for anomalous annual reports"), result.anomalies),
            (_("Cases opened for inactivity"), result.inactive),
        ]
        for label, numbers in rows:
            self.stdout.write(f"{label}: {len(numbers)}" + (f" ({', '.join(numbers)})" if numbers else ""))
