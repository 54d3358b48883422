import io
import shutil
import subprocess

import pytest
from PIL import Image

from cases.documents.demo_signing import make_ca, make_signing_certificate, pkcs12_bytes
from cases.documents.rendering import document_create
from cases.models.documents import GeneratedDocument
from tests.certificates import conftest as certificate_fixtures
from tests.documents.samples import sample_contexts

# The certificate tests' fixtures, for the certificates these tests render.
filing, reviewer = certificate_fixtures.filing, certificate_fixtures.reviewer
needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")


@pytest.fixture
def media_root(settings, tmp_path):
    """Stored documents go to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def issued_notice(media_root, organisation, clerk) -> GeneratedDocument:
    """An acceptance notice issued and rendered (numbered, signed, stored) through the one entry point."""
    return document_create(
        kind=GeneratedDocument.Kind.ACCEPTANCE_NOTICE,
        target=organisation,
        template_name="documents/acceptance_notice.html",
        context=sample_contexts()["documents/acceptance_notice.html"],
        actor=clerk,
    )


@pytest.fixture
def other_pkcs12(tmp_path) -> tuple[str, str]:
    """Another authority's CA and signing key: a forger's, as far as the bureau is concerned."""
    ca, ca_key = make_ca("Other CA", "其他机构")
    cert, key = make_signing_certificate(ca, ca_key, "其他机构签名", "其他机构")
    path = tmp_path / "other.p12"
    path.write_bytes(pkcs12_bytes(cert, key, ca, "other"))
    return str(path), "other"


def stored_bytes(document: GeneratedDocument) -> bytes:
    with document.file.open("rb") as stored:
        return stored.read()


def pdf_text(pdf: bytes) -> str:
    """Text as poppler extracts it (pdftotext), whitespace removed."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return "".join(out.stdout.decode("utf-8").split())


def pdf_fonts(pdf: bytes, tmp_path) -> list[dict]:
    """pdffonts' table: one dict per font with name, type, emb, sub, uni."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        parts = line.split()
        # name, type (one or more words), encoding, emb, sub, uni, object, id
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def rasterise(pdf: bytes, tmp_path, *, dpi: int = 100, page: int = 1) -> Image.Image:
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", str(path)],
        capture_output=True,
        check=True,
    )
    return Image.open(io.BytesIO(out.stdout)).convert("L")


@pytest.fixture
def registered_batch(settings, media_root, filing, applicant, reviewer):
    """A registered batch of three skill-level certificates (jobs inline)."""
    from cases.certificates.services import batches
    from tests.certificates.conftest import good_rows, imported_batch, make_plan

    settings.BACKGROUND_JOBS = "inline"
    settings.PUBLIC_BASE_URL = "https://zs.example.cn"
    batch = imported_batch(make_plan(filing, applicant), applicant, good_rows(3))
    batches.result_batch_submit(batch=batch, actor=applicant)
    return batches.result_batch_approve(batch=batch, actor=reviewer)
