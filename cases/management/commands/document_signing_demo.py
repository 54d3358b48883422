"""Create the demo CA, the bureau's demo signing certificate and the demo QR key, once (development only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.documents.demo_signing import demo_signing_material
from cases.documents.rendering import issuing_authority


class Command(BaseCommand):
    help = (
        "Create a DEMO certificate authority, a DEMO bureau signing certificate (PKCS#12) and a DEMO Ed25519 QR key "
        "in DOCUMENT_SIGNING_DEMO_DIR, unless they exist. Never for production."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo signing material is for DEBUG set-ups only; production configures its own key.")
        material = demo_signing_material(
            settings.DOCUMENT_SIGNING_DEMO_DIR,
            passphrase=settings.DOCUMENT_SIGNING_PASSPHRASE,
            authority=issuing_authority(),
        )
        verb = "Created" if material.created else "Kept the existing"
        self.stdout.write(f"{verb} DEMO signing material (NOT FOR PRODUCTION) in {settings.DOCUMENT_SIGNING_DEMO_DIR}:")
        for label, path in (("CA", material.ca), ("signing key", material.pkcs12), ("QR key", material.qr_key)):
            self.stdout.write(f"  {label}: {path.name}")
