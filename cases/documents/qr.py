"""Offline-verifiable QR codes on skill-level certificates: the verification URL plus a signed payload.

The QR text is the public verification URL with a fragment (never sent to the server when the link is
opened): ``<url>#q1.<key id>.<payload>.<signature>``, each part base64url without padding. The payload is
UTF-8 text ``1|<certificate number>|<masked holder name>|<occupation code>|<occupation>|<level>|<YYYYMMDD>``
and the signature is Ed25519 over ``b"filing-qr\\x00" + payload`` with the key in DOCUMENT_QR_KEY.
A verifier with the bureau's public key checks it without the network; the key id (the first 4 bytes of
SHA-256 of the raw public key) picks the key after a rotation.
"""

import base64
import datetime as dt
import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from PIL import Image, ImageOps

PREFIX = "q1"
_DOMAIN = b"filing-qr\x00"
_VERSION = "1"


@dataclass(frozen=True)
class QrPayload:
    number: str
    holder_masked: str
    occupation_code: str
    occupation: str
    level: int
    issued_on: dt.date

    def encode(self) -> bytes:
        fields = [
            _VERSION,
            self.number,
            self.holder_masked,
            self.occupation_code,
            self.occupation,
            str(self.level),
            self.issued_on.strftime("%Y%m%d"),
        ]
        if any("|" in field for field in fields):
            raise ValueError("A QR payload field contains '|'.")
        return "|".join(fields).encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> "QrPayload":
        version, number, holder, code, occupation, level, issued = data.decode("utf-8").split("|")
        if version != _VERSION:
            raise ValueError(f"Unknown payload version {version!r}.")
        return cls(number, holder, code, occupation, int(level), dt.datetime.strptime(issued, "%Y%m%d").date())


@dataclass(frozen=True)
class QrVerdict:
    status: str  # "valid", "bad_signature", "unknown_key", "no_payload"
    url: str
    payload: QrPayload | None = None

    @property
    def valid(self) -> bool:
        return self.status == "valid"


def mask_holder_name(name: str) -> str:
    """The surname and, for names of three characters or more, the last character: 张三丰 -> 张*丰, 李四 -> 李*."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64(hashlib.sha256(raw).digest()[:4])


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


@functools.cache
def _load_private(path: str, _mtime: float, passphrase: str) -> Ed25519PrivateKey:
    if not path or not Path(path).is_file():
        raise ImproperlyConfigured(
            f"DOCUMENT_QR_KEY ({path or 'unset'}) is not a file; run `manage.py document_signing_demo` for a demo key."
        )
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=passphrase.encode() or None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("DOCUMENT_QR_KEY must be an Ed25519 private key (PEM).")
    return key


def qr_private_key() -> Ed25519PrivateKey:
    path = settings.DOCUMENT_QR_KEY
    return _load_private(path, _mtime(path), settings.DOCUMENT_QR_KEY_PASSPHRASE)


def load_public_key(data: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("Not an Ed25519 public key.")
    return key


def qr_public_keys() -> dict[str, Ed25519PublicKey]:
    """Key id -> public key: DOCUMENT_QR_PUBLIC_KEYS (earlier keys, PEM files) and the current key's."""
    keys = [load_public_key(Path(path).read_bytes()) for path in settings.DOCUMENT_QR_PUBLIC_KEYS]
    if settings.DOCUMENT_QR_KEY:
        keys.append(qr_private_key().public_key())
    return {key_id(key): key for key in keys}


def public_key_pem() -> str:
    return (
        qr_private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def qr_text(*, verify_url: str, payload: QrPayload) -> str:
    """The text of a certificate's QR code: the URL, then the signed payload in the fragment."""
    key = qr_private_key()
    data = payload.encode()
    signature = key.sign(_DOMAIN + data)
    return f"{verify_url}#{PREFIX}.{key_id(key.public_key())}.{_b64(data)}.{_b64(signature)}"


def verify_qr_text(text: str, *, public_keys: dict[str, Ed25519PublicKey] | None = None) -> QrVerdict:
    """Check the signed payload of a QR text against the bureau's public keys (no network, no database)."""
    url, _hash, fragment = text.strip().partition("#")
    parts = fragment.split(".")
    if len(parts) != 4 or parts[0] != PREFIX:
        return QrVerdict("no_payload", url)
    _prefix, kid, encoded, encoded_signature = parts
    keys = public_keys if public_keys is not None else qr_public_keys()
    try:
        data, signature = _unb64(encoded), _unb64(encoded_signature)
        payload = QrPayload.decode(data)
    except (ValueError, UnicodeDecodeError):
        return QrVerdict("no_payload", url)
    key = keys.get(kid)
    if key is None:
        return QrVerdict("unknown_key", url, payload)
    try:
        key.verify(signature, _DOMAIN + data)
    except InvalidSignature:
        return QrVerdict("bad_signature", url, payload)
    return QrVerdict("valid", url, payload)


def decode_qr_image(path: Path | str) -> list[str]:
    """The texts of the QR codes zxing-cpp finds in an image file (a photo or a rasterised page)."""
    with Image.open(path) as image:
        image = ImageOps.exif_transpose(image).convert("L")
        results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [result.text for result in results if result.valid]
