"""Skill-level certificates: compact signed PDFs, a QR a phone or a verifier reads offline, batch rendering."""

import os
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import TestCase

from cases.certificates.services import documents as certificate_documents
from cases.certificates.services import revocation
from cases.documents.qr import _b64, _unb64, decode_qr_image, mask_holder_name, verify_qr_text
from cases.documents.rendering import document_verify
from cases.documents.verification import verify_pdf
from cases.models import CertificateExport, GeneratedDocument
from tests.documents.conftest import needs_poppler, pdf_fonts, pdf_text, rasterise, stored_bytes

pytestmark = [pytest.mark.django_db, needs_poppler]

CERTIFICATE_MAX_BYTES = 60 * 1024
ARTIFACTS = Path(os.environ["DOCUMENT_ARTIFACTS"]) if os.environ.get("DOCUMENT_ARTIFACTS") else None


@pytest.fixture
def certificate(registered_batch):
    return registered_batch.certificates.order_by("number").first()


@pytest.fixture
def certificate_pdf(certificate, applicant) -> bytes:
    return stored_bytes(certificate_documents.certificate_document(certificate=certificate, actor=applicant))


def test_a_certificate_is_compact_with_subset_fonts_and_chinese_text(certificate, certificate_pdf, tmp_path):
    assert len(certificate_pdf) <= CERTIFICATE_MAX_BYTES
    fonts = [font for font in pdf_fonts(certificate_pdf, tmp_path) if font["emb"] == "yes"]
    assert fonts and all(font["sub"] == "yes" for font in fonts)
    assert any("CJK" in font["name"] for font in fonts)
    text = pdf_text(certificate_pdf)
    for expected in ("职业技能等级证书", certificate.holder_name, certificate.number, "印章位置"):
        assert expected in text


def test_the_chinese_text_renders_as_ink(certificate_pdf, tmp_path):
    page = rasterise(certificate_pdf, tmp_path, dpi=60)
    width, height = page.size
    # The title band: dark pixels where 职业技能等级证书 is printed (blank boxes or a missing font leave it white).
    title = page.crop((int(width * 0.25), int(height * 0.07), int(width * 0.75), int(height * 0.2)))
    dark = sum(title.histogram()[:128])
    assert dark > 0.03 * title.width * title.height


def test_the_issued_certificate_is_signed_and_reports_its_status(certificate, certificate_pdf, applicant):
    verdict = verify_pdf(certificate_pdf)
    assert (verdict.status, verdict.number, verdict.kind) == ("valid", certificate.number, "skill_certificate")
    assert verdict.certificate_status == "valid"

    revocation.certificate_revoke(certificate=certificate, actor=applicant, reason="冒名顶替")

    assert verify_pdf(certificate_pdf).certificate_status == "revoked"


def test_the_qr_read_from_the_rendered_page_verifies_offline(certificate, certificate_pdf, tmp_path, capsys):
    image = tmp_path / "certificate.png"
    rasterise(certificate_pdf, tmp_path, dpi=150).save(image)
    if ARTIFACTS:
        (ARTIFACTS / "skill_certificate.png").write_bytes(image.read_bytes())

    texts = decode_qr_image(image)

    assert len(texts) == 1
    verdict = verify_qr_text(texts[0])
    assert verdict.valid
    assert verdict.url == certificate_documents.verify_url(certificate)
    payload = verdict.payload
    assert (payload.number, payload.level, payload.issued_on) == (
        certificate.number,
        certificate.level,
        certificate.issued_on,
    )
    assert payload.holder_masked == mask_holder_name(certificate.holder_name) != certificate.holder_name
    assert payload.occupation_code == certificate.occupation.code
    call_command("verify_qr", str(image))
    assert capsys.readouterr().out.startswith("VALID")


def test_a_changed_qr_payload_or_another_key_fails(certificate):
    text = certificate_documents.certificate_qr_text(certificate)
    url, fragment = text.split("#")
    prefix, kid, payload, signature = fragment.split(".")
    other = certificate.number[:-1] + ("0" if certificate.number[-1] != "0" else "1")
    forged = _b64(_unb64(payload).replace(certificate.number.encode(), other.encode()))
    assert verify_qr_text(f"{url}#{prefix}.{kid}.{forged}.{signature}").status == "bad_signature"
    assert verify_qr_text(text, public_keys={}).status == "unknown_key"
    assert verify_qr_text(url).status == "no_payload"


def test_mask_holder_name():
    assert [mask_holder_name(n) for n in ("张三丰", "李四", "欧阳娜娜", "王")] == ["张*丰", "李*", "欧**娜", "王"]


def test_registration_issues_every_certificate_and_renders_them_in_jobs(
    settings, media_root, filing, applicant, reviewer
):
    from cases.certificates.services import batches
    from tests.certificates.conftest import good_rows, imported_batch, make_plan

    settings.BACKGROUND_JOBS = "inline"
    batch = imported_batch(make_plan(filing, applicant), applicant, good_rows(3))
    batches.result_batch_submit(batch=batch, actor=applicant)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the registering transaction commits
        batch = batches.result_batch_approve(batch=batch, actor=reviewer)

    documents = GeneratedDocument.objects.filter(kind="skill_certificate")
    assert documents.count() == 3 and all(document.is_rendered and document_verify(document) for document in documents)
    numbers = set(batch.certificates.values_list("number", flat=True))
    assert set(documents.values_list("number", flat=True)) == numbers
    # Issuing again adds nothing.
    assert certificate_documents.certificate_documents_issue(batch=batch, actor=applicant) == 0


def test_the_batch_zip_holds_each_certificate_signed(registered_batch, applicant):
    with TestCase.captureOnCommitCallbacks(execute=True):
        export = certificate_documents.certificate_export_start(batch=registered_batch, actor=applicant)
    export.refresh_from_db()
    assert export.status == CertificateExport.Status.DONE and export.done == 3

    with zipfile.ZipFile(export.file.open("rb")) as bundle:
        numbers = sorted(registered_batch.certificates.values_list("number", flat=True))
        assert sorted(bundle.namelist()) == sorted([f"{n}.pdf" for n in numbers] + ["manifest.csv"])
        for number in numbers:
            pdf = bundle.read(f"{number}.pdf")
            assert len(pdf) <= CERTIFICATE_MAX_BYTES
            verdict = verify_pdf(pdf)
            assert (verdict.status, verdict.number) == ("valid", number)
        manifest = bundle.read("manifest.csv").decode("utf-8-sig")
    assert all(number in manifest for number in numbers)


def test_an_offline_verifier_needs_only_the_published_public_key(certificate_pdf, tmp_path, settings, capsys):
    image = tmp_path / "photo.png"
    rasterise(certificate_pdf, tmp_path, dpi=150).save(image)
    call_command("verify_qr", "--show-public-key")
    public_key = tmp_path / "bureau-qr.pem"
    public_key.write_text(capsys.readouterr().out)
    settings.DOCUMENT_QR_KEY = ""  # the verifier holds no private key and no register

    call_command("verify_qr", str(image), "--public-key", str(public_key))

    assert capsys.readouterr().out.startswith("VALID")
