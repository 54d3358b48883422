"""PDF documents (文书): rendering official notices, reports and certificates, storing them with their SHA-256."""

import base64
import hashlib
import io
import threading
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import qrcode
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

from cases.models.documents import GeneratedDocument

DEFAULT_ISSUING_AUTHORITY = "北京市人力资源和社会保障局"
# Official documents are Chinese whatever language the acting user has chosen; this also turns the
# lazy choice labels passed in the context (levels, conclusions) into their Chinese text.
DOCUMENT_LANGUAGE = "zh-hans"
_HASH_CHUNK = 64 * 1024


_local = threading.local()


def _font_config() -> FontConfiguration:
    # Reusing one FontConfiguration keeps Pango's loaded-font caches warm (about 10% of a render).
    # One per thread rather than per process: Pango font maps are not safe to share between threads.
    # Created lazily, so prefork workers each build their own after the fork.
    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
    return _local.font_config


def _static_dir() -> Path:
    """Relative URLs in document templates (images, stylesheets) resolve against the project's static dir."""
    return Path(settings.STATICFILES_DIRS[0] if settings.STATICFILES_DIRS else settings.BASE_DIR / "static").resolve()


class _DocumentURLFetcher(URLFetcher):
    """Fetches data: URIs and files under the static dir only: a document never reaches the network
    or reads other local files, whatever a context value (say a QR data URI) might smuggle in."""

    def __init__(self, static_dir: Path):
        super().__init__(allowed_protocols={"file", "data"})
        self._static_dir = static_dir

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not path.is_relative_to(self._static_dir):
                raise ValueError(f"Documents may only load files from {self._static_dir}: {url}")
        return super().fetch(url, headers)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a document template (extending documents/_base.html) to PDF bytes."""
    context = {"issuing_authority": getattr(settings, "ISSUING_AUTHORITY", DEFAULT_ISSUING_AUTHORITY), **context}
    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string(template_name, context)
    static_dir = _static_dir()
    # A fetcher keeps per-request state, hence one per render.
    fetcher = _DocumentURLFetcher(static_dir)
    document = HTML(string=html, base_url=static_dir.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(font_config=_font_config())


def document_create(
    *,
    kind: str,
    target: models.Model,
    template_name: str,
    context: dict,
    actor: AbstractBaseUser | None,
    title: str,
    public: bool = True,
) -> GeneratedDocument:
    """Render a document for `target`, store the PDF and record it with its SHA-256."""
    pdf = render_pdf(template_name, context)
    digest = hashlib.sha256(pdf).hexdigest()
    document = GeneratedDocument(
        kind=kind,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        title=title,
        sha256=digest,
        size=len(pdf),
        public=public,
        created_by=actor,
    )
    # Callers run this inside their service's transaction. The file is written now, not in
    # on_commit, so the returned row always points at a real file; if the transaction rolls back,
    # the file stays behind as an orphan with no row. That is harmless (names are unique, carry the
    # hash prefix, and nothing links to them) and a storage sweep can remove such files later.
    document.file.save(f"{kind}-{digest[:16]}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


def document_verify(document: GeneratedDocument) -> bool:
    """Whether the stored file still has the SHA-256 recorded when it was issued."""
    if not document.file.name:
        return False
    digest = hashlib.sha256()
    try:
        with document.file.storage.open(document.file.name, "rb") as stored:
            for chunk in iter(lambda: stored.read(_HASH_CHUNK), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return False
    return digest.hexdigest() == document.sha256


def qr_png_data_uri(url: str) -> str:
    """A QR code for `url` as a PNG data: URI, to embed in a document template's <img src>."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
