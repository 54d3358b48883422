import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.models import Continuation
from cases.selection import selectors
from cases.selection.simulation import run_selection


class Command(BaseCommand):
    help = (
        "Run a whole public selection through the services: a call for two occupations (two organisations each), "
        "N social organisations applying (the first one after the window), eligibility, the drawn panel's scores, "
        "the list, an objection, the conclusion into the filing flow."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applicants", type=int, default=5)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--continuation", choices=Continuation.values, default=Continuation.INSPECTION)

    def handle(self, *args, applicants, seed, continuation, **options):
        if applicants < 1:
            raise CommandError(_("--applicants must be at least 1."))
        started = time.monotonic()
        try:
            run = run_selection(applicants=applicants, seed=seed, continuation=continuation, report=self.stderr.write)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        call = run.call
        for lot in selectors.stored_ranking(call).lots:
            self.stdout.write(f"{lot.lot} ({_('quota')} {lot.lot.quota}):")
            for row in lot.rows:
                mark = "*" if row.entry.selected else " "
                self.stdout.write(f"  {mark} {row.rank or '-'}. {row.application.organisation.name} {row.result}")
        for application in run.selected:
            filing = application.filing
            filing.refresh_from_db()
            self.stdout.write(
                _("selected: %(name)s, filing application %(number)s (%(state)s)")
                % {"name": application.organisation.name, "number": filing.number, "state": filing.get_state_display()}
            )
        for number in run.registered:
            self.stdout.write(_("registered: filing %(number)s") % {"number": number})
        self.stdout.write(
            _(
                "Done in %(seconds).1f s: %(call)s, %(submitted)d submitted, %(late)d refused after the window, "
                "%(ineligible)d not eligible, %(selected)d selected, %(not_selected)d not selected; "
                "panel replay %(replay)s."
            )
            % {
                "seconds": time.monotonic() - started,
                "call": call.number,
                "submitted": run.submitted,
                "late": len(run.refused_late),
                "ineligible": run.ineligible,
                "selected": len(run.selected),
                "not_selected": run.not_selected,
                "replay": "MATCH" if run.replay_ok else "MISMATCH",
            }
        )
