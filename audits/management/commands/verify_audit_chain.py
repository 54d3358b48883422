from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audits.chain import ChainBroken, verify_chain


class Command(BaseCommand):
    help = "Recompute every hash of the audit trail and check every link; name the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=5000, help="events read per query (bounds memory)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, chunk: int, database: str, **options):
        if chunk < 1:
            raise CommandError(_("--chunk must be a positive number."))
        try:
            count = verify_chain(chunk=chunk, using=database, progress=self._progress)
        except ChainBroken as broken:
            raise CommandError(_broken_message(broken)) from None
        self.stdout.write(_("OK: %(count)d events verified") % {"count": count})

    def _progress(self, count: int, last_id: int) -> None:
        self.stderr.write(_("%(count)d events verified (up to event %(id)d)") % {"count": count, "id": last_id})


def _broken_message(broken: ChainBroken) -> str:
    values = {"id": broken.event_id, "previous": broken.previous_id}
    if broken.kind == "hash":
        return _("Event %(id)d: hash mismatch (its recorded content was changed)") % values
    if broken.kind == "link":
        return _("Event %(id)d: broken link (prev_hash is not the hash of event %(previous)d)") % values
    return _("Event %(id)d: broken link (the first event does not start the chain and no purge anchors it)") % values
