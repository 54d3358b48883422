"""Replay recorded draws from their seed and eligible pool and show that they give the same people."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from cases.draws import engine as draws
from cases.models import Draw


class Command(BaseCommand):
    help = "Recompute draws (inspection teams, expert panels) from their recorded seed and eligible pool."

    def add_arguments(self, parser):
        parser.add_argument("draw_ids", nargs="*", type=int, help="Draw numbers (see the draw history page).")
        parser.add_argument("--application", help="Every draw of this application number.")
        parser.add_argument("--all", action="store_true", dest="every", help="Every draw ever made.")
        parser.add_argument("--verbose-ranking", action="store_true", help="Print the key of every eligible person.")

    def handle(self, *args, draw_ids, application, every, verbose_ranking, **options):
        qs = Draw.objects.select_related("application").order_by("pk")
        if draw_ids:
            qs = qs.filter(pk__in=draw_ids)
        elif application:
            qs = qs.filter(application__number=application)
        elif not every:
            raise CommandError("Name draw numbers, --application NUMBER or --all.")
        records = list(qs)
        if not records:
            raise CommandError("No such draw.")
        failures = 0
        for draw in records:
            failures += not self._replay(draw, verbose_ranking)
        summary = f"{len(records) - failures} of {len(records)} draws replayed identically."
        if failures:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def _replay(self, draw: Draw, verbose_ranking: bool) -> bool:
        names = dict(User.objects.filter(pk__in=draw.pool).values_list("pk", "username"))

        def name(pk):
            return f"{names.get(pk, '?')}#{pk}"

        replay = draws.replay(draw)
        write = self.stdout.write
        write(f"Draw {draw.pk}: {draw.get_kind_display()} for {draw.application.number} ({draw.get_reason_display()})")
        write(f"  drawn at   {draw.drawn_at.isoformat()}")
        write(f"  algorithm  {draw.algorithm}: smallest SHA-256(seed:user id) first")
        write(f"  seed       {draw.seed}")
        write(f"  pool       {len(draw.pool)}; eligible {len(draw.eligible)}: {', '.join(map(name, draw.eligible))}")
        for row in draw.excluded:
            write(f"  excluded   {name(row['user'])}: {', '.join(row['reasons'])}")
        shown = replay.ranking if verbose_ranking else replay.ranking[: draw.seats_wanted]
        for rank, (pk, key) in enumerate(shown, start=1):
            write(f"  rank {rank:<3}  {key}  {name(pk)}")
        write(f"  recorded   {', '.join(map(name, draw.selected))}")
        write(f"  replayed   {', '.join(map(name, replay.selected))}")
        if replay.ok:
            write(self.style.SUCCESS("  MATCH: same people in the same order; the record matches its digest."))
        else:
            if not replay.matches:
                write(self.style.ERROR("  MISMATCH: the replay draws different people."))
            if not replay.digest_matches:
                write(self.style.ERROR("  MISMATCH: the record no longer matches its digest (altered)."))
        return replay.ok
