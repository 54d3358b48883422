"""Every issued document is signed with the bureau's key; a changed, extended or re-signed copy is told apart."""

import io
import re
import subprocess

import pytest
from django.core.management import call_command
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pypdf import PdfReader, PdfWriter

from cases.documents.pdf import render_pdf
from cases.documents.verification import UnreadablePdf, verify_pdf
from tests.documents.conftest import stored_bytes
from tests.documents.samples import sample_contexts

pytestmark = pytest.mark.django_db


def content_stream_byte_changed(pdf: bytes) -> bytes:
    """The same file with one byte flipped inside the first page's content stream (the signed text)."""
    contents = PdfReader(io.BytesIO(pdf)).pages[0].get("/Contents")
    number = contents.indirect_reference.idnum
    match = re.search(rb"(?<!\d)%d 0 obj" % number, pdf)
    start = pdf.index(b"stream", match.end()) + len(b"stream\n") + 20
    changed = bytearray(pdf)
    changed[start] ^= 0x01
    return bytes(changed)


def page_appended(pdf: bytes) -> bytes:
    """The same file with a blank page added as an incremental update after the signature."""
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_blank_page()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_with(pdf: bytes, pkcs12: tuple[str, str]) -> bytes:
    signer = signers.SimpleSigner.load_pkcs12(pkcs12[0], passphrase=pkcs12[1].encode())
    out = io.BytesIO()
    signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="Forged", subfilter=fields.SigSeedSubFilter.PADES), signer=signer
    ).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=out)
    return out.getvalue()


def test_an_issued_document_is_signed_by_the_bureau_and_verifies(issued_notice, tmp_path):
    pdf = stored_bytes(issued_notice)

    verdict = verify_pdf(pdf)

    assert (verdict.status, verdict.reason) == ("valid", "intact")
    assert verdict.number == issued_notice.number and verdict.kind == "acceptance_notice"
    assert verdict.title == "受理通知书"
    assert verdict.document == issued_notice and verdict.matches_register
    assert verdict.certificate_status is None  # a notice, not a certificate
    assert "测试人社局" in verdict.signer
    # poppler (another implementation) agrees: PAdES, whole document signed, signature valid.
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "ETSI.CAdES.detached" in report
    assert "Total document signed" in report
    assert "Signature is Valid." in report


def test_the_signature_field_covers_the_printed_seal_area(issued_notice):
    reader = PdfReader(io.BytesIO(stored_bytes(issued_notice)))
    widgets = [
        annotation.get_object()
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/FT") == "/Sig"
    ]
    assert len(widgets) == 1
    x1, y1, x2, y2 = (float(v) for v in widgets[0]["/Rect"])
    assert 90 < x2 - x1 < 115 and 90 < y2 - y1 < 115  # the 36 mm (102 pt) seal circle, not an invisible field
    assert "印章位置" in reader.pages[0].extract_text()


def test_one_byte_changed_in_the_content_stream_breaks_the_signature(issued_notice):
    verdict = verify_pdf(content_stream_byte_changed(stored_bytes(issued_notice)))

    assert (verdict.status, verdict.reason) == ("broken", "changed")
    assert not verdict.matches_register


def test_a_page_appended_after_signing_breaks_it(issued_notice):
    extended = page_appended(stored_bytes(issued_notice))
    assert len(PdfReader(io.BytesIO(extended)).pages) == 2

    verdict = verify_pdf(extended)

    assert (verdict.status, verdict.reason) == ("broken", "appended")
    # The signed revision is intact, so what it says it is can be trusted.
    assert verdict.number == issued_notice.number


def test_a_copy_signed_by_another_key_is_not_ours(issued_notice, other_pkcs12):
    context = sample_contexts()["documents/acceptance_notice.html"] | {"doc_number": issued_notice.number}
    forged = signed_with(render_pdf("documents/acceptance_notice.html", context), other_pkcs12)

    verdict = verify_pdf(forged)

    assert (verdict.status, verdict.reason) == ("not_ours", "other_signer")


def test_our_document_re_signed_by_another_key_is_not_valid(issued_notice, other_pkcs12):
    verdict = verify_pdf(signed_with(stored_bytes(issued_notice), other_pkcs12))

    assert (verdict.status, verdict.reason) == ("broken", "appended")


def test_an_unsigned_pdf_is_not_ours():
    verdict = verify_pdf(render_pdf("documents/decision.html", sample_contexts()["documents/decision.html"]))

    assert (verdict.status, verdict.reason) == ("not_ours", "unsigned")


def test_garbage_is_unreadable():
    with pytest.raises(UnreadablePdf):
        verify_pdf(b"%PDF-1.7\nnot really a pdf")


def test_verify_document_command_reports_and_exits_by_status(issued_notice, tmp_path, capsys):
    good = tmp_path / "good.pdf"
    good.write_bytes(stored_bytes(issued_notice))
    call_command("verify_document", str(good))
    out = capsys.readouterr().out
    assert out.startswith("VALID") and issued_notice.number in out and "identical to the stored copy" in out

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content_stream_byte_changed(good.read_bytes()))
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_document", str(bad))
    assert exit_info.value.code == 1
    assert capsys.readouterr().out.startswith("BROKEN")


def test_the_signing_key_comes_from_the_pkcs12_file_in_settings(settings, media_root, organisation, other_pkcs12):
    from cases.documents.rendering import document_create
    from cases.models.documents import GeneratedDocument

    settings.DOCUMENT_SIGNING_PKCS12, settings.DOCUMENT_SIGNING_PASSPHRASE = other_pkcs12
    document = document_create(
        kind=GeneratedDocument.Kind.DECISION,
        target=organisation,
        template_name="documents/decision.html",
        context=sample_contexts()["documents/decision.html"],
        actor=None,
    )

    # Signed with the configured key, which the trust roots (the bureau's CA) do not cover.
    assert verify_pdf(stored_bytes(document)).status == "not_ours"
