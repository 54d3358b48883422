import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.applications.simulation import Outcome, Staff, complete_draft, new_applicant, panel_experts, run_to_end
from cases.models import Occupation

FATES = {"filed": ["filed"], "mixed": ["filed", "filed", "returned", "rejected"]}


class Command(BaseCommand):
    help = "Push N new applications through every step of the filing flow, as the role users."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--outcomes", choices=sorted(FATES), default="filed")

    def handle(self, *args, count, seed, outcomes, **options):
        if count < 1:
            raise CommandError(_("--count must be at least 1."))
        staff = Staff.from_groups()
        occupations = list(Occupation.objects.filter(active=True))
        if not (staff.clerk and staff.chief and staff.approver and len(staff.inspectors) == 2 and occupations):
            raise CommandError(_("Demo users and occupations are missing; run `manage.py seed_demo` first."))
        rng = random.Random(seed)
        outcome, started = Outcome(), time.monotonic()
        for index in range(1, count + 1):
            applicant, organisation = new_applicant(rng, index)
            application = complete_draft(
                applicant=applicant, organisation=organisation, occupation=rng.choice(occupations), rng=rng
            )
            run_to_end(
                application=application,
                applicant=applicant,
                staff=staff,
                experts=panel_experts,
                fate=rng.choice(FATES[outcomes]),
                outcome=outcome,
            )
            if index % max(1, count // 10) == 0 or index == count:
                rate = index / (time.monotonic() - started)
                self.stderr.write(
                    _("%(done)d/%(total)d applications (%(rate).1f per second)")
                    % {"done": index, "total": count, "rate": rate}
                )
        elapsed = time.monotonic() - started
        self.stdout.write(
            _(
                "Done in %(seconds).1f s: %(filed)d filed (%(returned)d after a supplement), "
                "%(rejected)d rejected; %(rate).2f applications per second."
            )
            % {
                "seconds": elapsed,
                "filed": outcome.filed,
                "returned": outcome.returned_then_filed,
                "rejected": outcome.rejected,
                "rate": count / elapsed,
            }
        )
