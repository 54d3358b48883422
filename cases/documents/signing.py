"""PAdES B-B signatures on the bureau's documents (pyHanko), and which signers count as the bureau.

The key comes from settings: a PKCS#12 file (DOCUMENT_SIGNING_PKCS12) and its passphrase
(DOCUMENT_SIGNING_PASSPHRASE, from the environment), or a PKCS#11 token (an HSM) when
DOCUMENT_SIGNING_BACKEND is "pkcs11". A signature counts as the bureau's when its certificate chains to
one of DOCUMENT_SIGNING_TRUST_ROOTS (by default the CA certificates in the PKCS#12 file): old documents
stay "ours" after the signing certificate is renewed under the same CA.
"""

import asyncio
import functools
import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle

from cases.documents.pdf import SealBox

SIGNATURE_FIELD = "BureauSeal"
# The widget over the printed seal area (documents/_seal.html) adds only the signing time, small, in the
# lower part of the circle: in the PDF's standard font, which has no CJK; the Chinese is part of the page.
_STAMP = TextStampStyle(
    stamp_text="%(ts)s",
    border_width=0,
    background=None,
    timestamp_format="%Y-%m-%d %H:%M:%S",
    text_box_style=TextBoxStyle(font_size=5, text_color=(0.8, 0.13, 0.13)),
    inner_content_layout=layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MID,
        y_align=layout.AxisAlignment.ALIGN_MIN,
        margins=layout.Margins(bottom=11),
        inner_content_scaling=layout.InnerScaling.NO_SCALING,
    ),
)


def _file_key(path: str) -> tuple[str, float]:
    try:
        return path, os.stat(path).st_mtime
    except OSError:
        return path, 0.0


@functools.cache
def _pkcs12_signer(path: str, _mtime: float, passphrase: str) -> signers.SimpleSigner:
    if not path or not Path(path).is_file():
        raise ImproperlyConfigured(
            f"DOCUMENT_SIGNING_PKCS12 ({path or 'unset'}) is not a file. For a demo key and certificate run "
            "`manage.py document_signing_demo`; in production set it and DOCUMENT_SIGNING_PASSPHRASE."
        )
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase.encode() if passphrase else None)
    if signer is None:
        raise ImproperlyConfigured(f"Cannot open {path}: wrong DOCUMENT_SIGNING_PASSPHRASE or not a PKCS#12 file.")
    return signer


@functools.cache
def _pkcs11_signer(module: str, token: str, key_label: str, cert_label: str, pin: str):
    try:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
    except ImportError as error:  # python-pkcs11 is optional: only HSM installations need it
        raise ImproperlyConfigured("DOCUMENT_SIGNING_BACKEND=pkcs11 needs `pip install python-pkcs11`.") from error
    session = open_pkcs11_session(module, token_criteria=TokenCriteria(label=token or None), user_pin=pin or None)
    return PKCS11Signer(session, key_label=key_label, cert_label=cert_label or key_label)


def document_signer() -> signers.Signer:
    """The bureau's signer, loaded once per process (reloaded when the PKCS#12 file changes)."""
    if settings.DOCUMENT_SIGNING_BACKEND == "pkcs11":
        return _pkcs11_signer(
            settings.DOCUMENT_SIGNING_PKCS11_MODULE,
            settings.DOCUMENT_SIGNING_PKCS11_TOKEN,
            settings.DOCUMENT_SIGNING_PKCS11_KEY_LABEL,
            settings.DOCUMENT_SIGNING_PKCS11_CERT_LABEL,
            settings.DOCUMENT_SIGNING_PKCS11_PIN,
        )
    return _pkcs12_signer(*_file_key(settings.DOCUMENT_SIGNING_PKCS12), settings.DOCUMENT_SIGNING_PASSPHRASE)


def trust_roots() -> list[asn1_x509.Certificate]:
    """The certificates a signature must chain to to count as the bureau's."""
    paths = settings.DOCUMENT_SIGNING_TRUST_ROOTS
    if paths:
        return _load_roots(tuple(_file_key(path) for path in paths))
    signer = document_signer()
    registry_certs = [cert for cert in signer.cert_registry if cert.ca and cert != signer.signing_cert]
    return registry_certs or [signer.signing_cert]


@functools.cache
def _load_roots(keys: tuple[tuple[str, float], ...]) -> list[asn1_x509.Certificate]:
    return [load_cert_from_pemder(path) for path, _mtime in keys]


def _reserved_bytes(signer: signers.Signer) -> int:
    # Giving pyHanko the size of the signature container saves it a dummy signature to measure it
    # (half the signing time). The container holds the certificates, the signature and the attributes.
    certs = list(signer.cert_registry) + ([signer.signing_cert] if signer.signing_cert else [])
    # pyHanko counts the hexadecimal digits of the /Contents placeholder: two per byte.
    return 2 * sum(len(cert.dump()) for cert in certs) + 4096


def sign_pdf(pdf: bytes, *, seal: SealBox | None, reason: str, location: str) -> bytes:
    """Sign the PDF (PAdES B-B, one incremental update); the signature field covers the seal area if any."""
    signer = document_signer()
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    box = (round(seal.x1), round(seal.y1), round(seal.x2), round(seal.y2)) if seal else None
    spec = fields.SigFieldSpec(SIGNATURE_FIELD, on_page=seal.page if seal else 0, box=box)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = io.BytesIO()
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=_STAMP, new_field_spec=spec)
    _outside_event_loop(lambda: pdf_signer.sign_pdf(writer, output=output, bytes_reserved=_reserved_bytes(signer)))
    return output.getvalue()


def _outside_event_loop(work):
    """pyHanko's synchronous API runs its own event loop (asyncio.run), which fails in a thread that already
    runs one (an ASGI worker, a test driving a browser): then sign in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()
