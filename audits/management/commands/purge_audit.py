from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audits.export import parse_day
from audits.purge import latest_purge_date, purge_before, retention_days


class Command(BaseCommand):
    help = (
        "Delete audit events recorded before a date that lies outside the retention period "
        "(AUDIT_RETENTION_DAYS, at least 183 days). The purge is itself recorded in the trail, "
        "and the remaining chain still verifies. Export the events first (export_audit)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD, local date (Asia/Shanghai)")
        parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")

    def handle(self, *args, before: str, dry_run: bool, **options):
        try:
            day = parse_day(before)
        except ValueError:
            raise CommandError(_("Invalid date %(value)r: use YYYY-MM-DD.") % {"value": before}) from None
        if day > latest_purge_date():
            raise CommandError(self._refusal(day))
        count = purge_before(before=day, dry_run=dry_run)
        message = _("%(count)d events would be deleted.") if dry_run else _("%(count)d events deleted.")
        self.stdout.write(message % {"count": count})

    def _refusal(self, day) -> str:
        return _(
            "Refused: events must be kept for %(days)d days; the latest date you may purge before is %(latest)s."
        ) % {"days": retention_days(), "latest": latest_purge_date().isoformat()}
