"""Document PDFs (文书): templates to HTML, HTML to compact PDF, QR codes. No storage, no signatures here.

A document is rendered in two steps so that its content is frozen when it is issued (inside the issuing
service's transaction) while the costly layout runs later: `render_html` fills the template (cheap),
`html_to_pdf` lays it out with WeasyPrint (the expensive part) and reports where the seal area
(印章位置, the element with id="seal") landed, for the signature field.
"""

import base64
import io
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf
import zxingcpp
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image
from weasyprint import HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

from cases.documents.fonts import cff_finisher, install_compact_subsetting

DEFAULT_ISSUING_AUTHORITY = "北京市人力资源和社会保障局"
# Official documents are Chinese whatever language the acting user has chosen; this also turns the
# lazy choice labels passed in the context (levels, conclusions) into their Chinese text.
DOCUMENT_LANGUAGE = "zh-hans"
# The id of the seal area in every document template (documents/_seal.html).
SEAL_ANCHOR = "seal"
_CSS_PX_TO_PT = 0.75

install_compact_subsetting()
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


@dataclass(frozen=True)
class SealBox:
    """Where the seal area was laid out: page index and rectangle in PDF points (origin bottom left)."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    seal: SealBox | None
    pages: int


def render_html(template_name: str, context: dict) -> str:
    """The document's HTML, in Chinese, with the issuing authority from settings."""
    context = {"issuing_authority": getattr(settings, "ISSUING_AUTHORITY", DEFAULT_ISSUING_AUTHORITY), **context}
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string(template_name, context)


def _seal_box(document) -> SealBox | None:
    for index, page in enumerate(document.pages):
        box = page.anchors.get(SEAL_ANCHOR)
        if box:
            x1, y1, x2, y2 = (value * _CSS_PX_TO_PT for value in box)
            height = page.height * _CSS_PX_TO_PT
            return SealBox(page=index, x1=x1, y1=height - y2, x2=x2, y2=height - y1)
    return None


def html_to_pdf(html: str, *, info: dict[str, str] | None = None) -> RenderedPdf:
    """Lay the HTML out as a PDF with subset fonts; `info` entries go into the PDF's document information."""
    static_dir = _static_dir()
    # A fetcher keeps per-request state, hence one per render.
    document = HTML(string=html, base_url=static_dir.as_uri() + "/", url_fetcher=_DocumentURLFetcher(static_dir))
    laid_out = document.render(font_config=_font_config())

    def finisher(_document, pdf: pydyf.PDF) -> None:
        cff_finisher(pdf)
        for key, value in (info or {}).items():
            pdf.info[key] = pydyf.String(value)

    pdf = laid_out.write_pdf(finisher=finisher)
    return RenderedPdf(pdf=pdf, seal=_seal_box(laid_out), pages=len(laid_out.pages))


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a document template (extending documents/_base.html) to unsigned PDF bytes."""
    return html_to_pdf(render_html(template_name, context)).pdf


def qr_png_data_uri(text: str, *, scale: int = 4) -> str:
    """A QR code for `text` (a URL, possibly with a signed payload) as a PNG data: URI for an <img src>.

    Error correction M, with its quiet zone; zxing-cpp encodes it (1 ms, where the pure-Python encoder took
    20 ms: it runs once per certificate of a registered batch). Templates show it with
    image-rendering: pixelated, so that the modules stay sharp however the image is scaled.
    """
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = memoryview(code.to_image(scale=scale, add_quiet_zones=True))
    height, width = pixels.shape
    image = Image.frombuffer("L", (width, height), pixels.tobytes(), "raw", "L", 0, 1).convert("1")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
