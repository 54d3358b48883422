from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.calendar import is_statutory_working_day, statutory_year
from workflow.models import CalendarOverride


class Command(BaseCommand):
    help = (
        "List the exceptions to the Monday-Friday week in the working-day calendar of the given years "
        "(default: this year and next) and warn about years without statutory make-up workdays."
    )

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int)

    def handle(self, *args, years, **options):
        years = years or [timezone.localdate().year, timezone.localdate().year + 1]
        for year in years:
            self._show_year(year)

    def _show_year(self, year: int) -> None:
        statutory = statutory_year(year)
        overrides = {o.date: o for o in CalendarOverride.objects.filter(date__year=year).order_by("date")}
        self.stdout.write(self.style.MIGRATE_HEADING(str(year)))
        if not statutory.has_make_up_days:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The holidays package has no make-up workdays for %(year)s: enter the State Council's "
                        "schedule as calendar overrides once it is published."
                    )
                    % {"year": year}
                )
            )
        days = sorted(statutory.days_off | statutory.workdays | overrides.keys())
        for day in days:
            override = overrides.get(day)
            working = override.is_working_day if override else is_statutory_working_day(day)
            if working == (day.weekday() < 5):
                continue  # an override that merely confirms the normal week
            status = _("working day") if working else _("day off")
            source = _("override: %(reason)s") % {"reason": override.reason} if override else _("statutory")
            self.stdout.write(f"  {day.isoformat()} {_weekday(day)}  {status}  ({source})")


def _weekday(day: date) -> str:
    # Abbreviated English weekday names keep the listing aligned in any locale.
    return (date(2024, 1, 1) + timedelta(days=day.weekday())).strftime("%a")
