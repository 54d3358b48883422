"""A demo CA, a bureau signing certificate and a QR key, for development and tests only.

Every name says DEMO: documents signed with this material verify here, and nowhere else should they.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

CA_FILE = "demo-ca.pem"
PKCS12_FILE = "demo-bureau-signing.p12"
QR_KEY_FILE = "demo-qr-ed25519.pem"
NOTICE_FILE = "README-DEMO.txt"
NOTICE = """DEMO SIGNING MATERIAL - NOT FOR PRODUCTION (演示用，不得用于生产)

demo-ca.pem                  a self-signed demo CA (the trust root of the demo)
demo-bureau-signing.p12      the bureau's demo signing key and certificate, issued by that CA
demo-qr-ed25519.pem          the demo Ed25519 key that signs certificate QR payloads

Created by `manage.py document_signing_demo`. In production set DOCUMENT_SIGNING_PKCS12,
DOCUMENT_SIGNING_PASSPHRASE, DOCUMENT_SIGNING_TRUST_ROOTS and DOCUMENT_QR_KEY instead (see README).
"""


@dataclass(frozen=True)
class DemoSigningMaterial:
    ca: Path
    pkcs12: Path
    qr_key: Path
    created: bool


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "DEMO - NOT FOR PRODUCTION"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def make_ca(common_name: str, organisation: str, *, days: int = 3650):
    """A self-signed CA certificate and its key (ECDSA P-256)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    name = _name(common_name, organisation)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def make_signing_certificate(ca_cert, ca_key, common_name: str, organisation: str, *, days: int = 1825):
    """A document-signing certificate issued by the CA, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def pkcs12_bytes(cert, key, ca_cert, passphrase: str) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(b"document-signing", key, cert, [ca_cert], encryption)


def ed25519_pem(key: ed25519.Ed25519PrivateKey, passphrase: str) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def demo_signing_material(directory: Path, *, passphrase: str, authority: str) -> DemoSigningMaterial:
    """Create the demo CA, signing certificate and QR key in `directory` unless they are there already."""
    directory = Path(directory)
    paths = DemoSigningMaterial(
        ca=directory / CA_FILE, pkcs12=directory / PKCS12_FILE, qr_key=directory / QR_KEY_FILE, created=False
    )
    if paths.ca.is_file() and paths.pkcs12.is_file() and paths.qr_key.is_file():
        return paths
    directory.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = make_ca("演示根证书 DEMO CA", "演示 DEMO")
    cert, key = make_signing_certificate(ca_cert, ca_key, f"{authority}（演示 DEMO）", authority)
    for path, data in (
        (paths.ca, ca_cert.public_bytes(serialization.Encoding.PEM)),
        (paths.pkcs12, pkcs12_bytes(cert, key, ca_cert, passphrase)),
        (paths.qr_key, ed25519_pem(ed25519.Ed25519PrivateKey.generate(), passphrase)),
        (directory / NOTICE_FILE, NOTICE.encode()),
    ):
        path.write_bytes(data)
        if path.suffix in (".p12", ".pem") and path != paths.ca:
            path.chmod(0o600)
    return DemoSigningMaterial(ca=paths.ca, pkcs12=paths.pkcs12, qr_key=paths.qr_key, created=True)
