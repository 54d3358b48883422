import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils.translation import gettext as _

from cases.models import Filing
from cases.registry.bulk import bulk_registry, file_demo_organisations


class Command(BaseCommand):
    help = (
        "Fill the registry quickly for demos and benchmarks: --count N bodies written directly with bulk_create "
        "(no flow, no audit trail), and --demo to file the demo organisations of seed_demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=0)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--demo", action="store_true", help="Also file the demo organisations (demo-applicant).")

    def handle(self, *args, count, seed, demo, **options):
        if count < 0:
            raise CommandError(_("--count cannot be negative."))
        if demo:
            for filing in file_demo_organisations():
                self.stdout.write(_("Filed %(name)s as %(number)s.") % {"name": filing.organisation, "number": filing})
        if count:
            # Each call gets its own number range, so the command can be run again to add more.
            run = Filing.objects.filter(number__startswith="京技备B").aggregate(n=Max("number"))["n"] or "京技备B-1"
            run = int(run[4:7]) + 1 if run[4:7].isdigit() else 0
            started = time.monotonic()
            bulk_registry(count=count, run=run, seed=seed)
            self.stdout.write(
                _("%(count)d bodies added in %(seconds).1f s.")
                % {"count": count, "seconds": time.monotonic() - started}
            )
