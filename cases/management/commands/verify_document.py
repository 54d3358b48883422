"""Verify a PDF offline: signed by the bureau's key and unchanged, changed after signing, or not ours."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.documents.verification import VALID, UnreadablePdf, verify_pdf

EXIT_BROKEN, EXIT_NOT_OURS = 1, 2
MESSAGES = {
    "intact": "VALID: signed by the bureau's key, unchanged since signing",
    "appended": "BROKEN: signed by the bureau's key, but changed after signing (content added)",
    "changed": "BROKEN: signed by the bureau's key, but changed after signing (signed content altered)",
    "unsigned": "NOT OURS: the file carries no signature",
    "other_signer": "NOT OURS: signed by a key that is not the bureau's",
}


class Command(BaseCommand):
    help = "Check a PDF's signature against the bureau's trust roots and look it up in the register."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The PDF to check.")

    def handle(self, *args, file, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            verdict = verify_pdf(data)
        except UnreadablePdf as error:
            raise CommandError(f"{file} is not a readable PDF.") from error
        self.stdout.write(MESSAGES[verdict.reason])
        if verdict.status != "not_ours":
            claimed = "" if verdict.valid or verdict.reason == "appended" else " (as the altered file claims)"
            self.stdout.write(f"  document: {verdict.title or verdict.kind} {verdict.number}{claimed}")
            self.stdout.write(f"  signer: {verdict.signer}")
            if verdict.signed_at:
                self.stdout.write(f"  signed at: {verdict.signed_at:%Y-%m-%d %H:%M:%S %z}")
            if verdict.document is None:
                self.stdout.write("  register: not found")
            else:
                same = "identical to" if verdict.matches_register else "differs from"
                issued = timezone.localtime(verdict.document.created_at)
                self.stdout.write(f"  register: issued {issued:%Y-%m-%d}, file {same} the stored copy")
            if verdict.certificate_status:
                self.stdout.write(f"  certificate status: {verdict.certificate_status}")
        self.stdout.write(f"  sha256: {verdict.sha256}")
        if verdict.status != VALID:
            raise SystemExit(EXIT_BROKEN if verdict.status == "broken" else EXIT_NOT_OURS)
