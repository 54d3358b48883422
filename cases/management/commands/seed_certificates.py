import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.certificates.demo import simulate_certificates
from cases.models import Occupation


class Command(BaseCommand):
    help = (
        "File the two demo bodies (and --bodies more) through the filing flow, then register --batches result "
        "batches of --size candidates among them: plans, imports, submission and approval, as the role users."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bodies", type=int, default=4)
        parser.add_argument("--batches", type=int, default=8)
        parser.add_argument("--size", type=int, default=30)
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, bodies, batches, size, seed, **options):
        if not Occupation.objects.exists():
            raise CommandError(_("Demo users and occupations are missing; run `manage.py seed_demo` first."))
        started = time.monotonic()

        def progress(done, total, outcome):
            self.stderr.write(
                _("%(done)d/%(total)d batches registered, %(certificates)d certificates")
                % {"done": done, "total": total, "certificates": outcome.certificates}
            )

        outcome = simulate_certificates(bodies=bodies, batches=batches, size=size, seed=seed, progress=progress)
        self.stdout.write(
            _("Done in %(seconds).1f s: %(batches)d batches, %(certificates)d certificates.")
            % {"seconds": time.monotonic() - started, "batches": outcome.batches, "certificates": outcome.certificates}
        )
