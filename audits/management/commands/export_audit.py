from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audits.export import csv_writer, export_chunks, parse_day, write_csv, write_jsonl


class Command(BaseCommand):
    help = "Export audit events recorded since a date, as JSON lines or CSV, for archiving."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="YYYY-MM-DD, local date (Asia/Shanghai)")
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")
        parser.add_argument("--chunk", type=int, default=5000, help="events read per query")
        parser.add_argument("--database", default="default")

    def handle(self, *args, since: str, format: str, output: Path | None, chunk: int, database: str, **options):
        try:
            day = parse_day(since)
        except ValueError:
            raise CommandError(_("Invalid date %(value)r: use YYYY-MM-DD.") % {"value": since}) from None
        if chunk < 1:
            raise CommandError(_("--chunk must be a positive number."))
        with self._open(output) as stream:
            total = self._write(stream, format, export_chunks(since=day, chunk=chunk, using=database))
        self.stderr.write(_("Exported %(count)d events.") % {"count": total})

    def _open(self, output: Path | None):
        if output is None:
            return nullcontext(self.stdout)
        try:
            return output.open("w", encoding="utf-8", newline="")
        except OSError as error:
            raise CommandError(_("Cannot write %(file)s: %(error)s") % {"file": output, "error": error}) from None

    def _write(self, stream, format: str, chunks) -> int:
        writer = csv_writer(stream) if format == "csv" else None
        total = 0
        for rows in chunks:
            if writer is not None:
                write_csv(rows, writer)
            else:
                write_jsonl(rows, stream)
            total += len(rows)
            self.stderr.write(_("%(count)d events exported") % {"count": total})
        return total
