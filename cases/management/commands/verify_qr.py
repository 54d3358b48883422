"""Decode a certificate's QR code from an image (a photo or a scan) and check its signed payload offline."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from PIL import UnidentifiedImageError

from cases.documents.qr import decode_qr_image, key_id, load_public_key, public_key_pem, verify_qr_text
from cases.models import SkillLevel

MESSAGES = {
    "valid": "VALID: the payload is signed by the bureau's QR key",
    "bad_signature": "FORGED: the payload does not match its signature",
    "unknown_key": "UNKNOWN KEY: signed by a key that is not the bureau's",
    "no_payload": "NO PAYLOAD: the QR code carries no signed certificate data",
}


class Command(BaseCommand):
    help = "Decode the QR code(s) in an image with zxing-cpp and verify the signed certificate payload, offline."

    def add_arguments(self, parser):
        parser.add_argument("image", nargs="?", help="PNG or JPEG image of the certificate or of its QR code.")
        parser.add_argument(
            "--public-key", help="Verify with this Ed25519 public key (PEM) instead of the configured keys."
        )
        parser.add_argument(
            "--show-public-key", action="store_true", help="Print the configured QR public key (PEM) for verifiers."
        )

    def handle(self, *args, image, public_key, show_public_key, **options):
        if show_public_key:
            self.stdout.write(public_key_pem(), ending="")
            return
        if not image:
            raise CommandError("Name an image file (or use --show-public-key).")
        keys = None
        if public_key:
            try:
                key = load_public_key(Path(public_key).read_bytes())
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot use {public_key} as an Ed25519 public key: {error}") from error
            keys = {key_id(key): key}
        try:
            texts = decode_qr_image(image)
        except (OSError, UnidentifiedImageError) as error:
            raise CommandError(f"Cannot read the image {image}: {error}") from error
        if not texts:
            raise CommandError("No QR code found in the image.")
        failures = 0
        for text in texts:
            verdict = verify_qr_text(text, public_keys=keys)
            self.stdout.write(MESSAGES[verdict.status])
            self.stdout.write(f"  url: {verdict.url}")
            if verdict.payload:
                p = verdict.payload
                self.stdout.write(f"  certificate: {p.number}")
                self.stdout.write(f"  holder: {p.holder_masked}")
                self.stdout.write(f"  occupation: {p.occupation_code} {p.occupation}")
                self.stdout.write(f"  level: {p.level} ({SkillLevel(p.level).label})")
                self.stdout.write(f"  issued on: {p.issued_on:%Y-%m-%d}")
            failures += not verdict.valid
        if failures:
            raise SystemExit(1)
