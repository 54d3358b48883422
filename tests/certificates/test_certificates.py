"""Certificates after registration: the PDF with its QR link, the batch ZIP, revocation."""

import csv
import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from pypdf import PdfReader

from cases.certificates.services import batches as services
from cases.certificates.services import documents as documents_services
from cases.certificates.services import revocation as revocation_services
from cases.documents.rendering import document_verify, qr_png_data_uri
from cases.models import CertificateExport, CertificateState, GeneratedDocument
from tests.certificates.conftest import good_rows, imported_batch, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(filing, applicant, reviewer):
    batch = imported_batch(make_plan(filing, applicant), applicant, good_rows(3))
    services.result_batch_submit(batch=batch, actor=applicant)
    return services.result_batch_approve(batch=batch, actor=reviewer)


def test_the_pdf_is_a4_landscape_chinese_with_the_verification_link(registered, applicant):
    certificate = registered.certificates.order_by("number").first()
    document = documents_services.certificate_document(certificate=certificate, actor=applicant)
    assert document.kind == GeneratedDocument.Kind.SKILL_CERTIFICATE and document_verify(document)
    reader = PdfReader(document.file.open("rb"))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    text = "".join(page.extract_text().split())  # letter-spaced titles come out with spaces
    for expected in ("职业技能等级证书", certificate.holder_name, certificate.number, "四级/中级工", "焊工"):
        assert expected in text
    assert f"https://zs.example.cn/verify/c/{certificate.verify_token}/" in text
    assert certificate.id_masked in text
    # Rendered once, then served from storage.
    assert documents_services.certificate_document(certificate=certificate, actor=applicant) == document


def test_the_qr_code_carries_the_public_verification_url(registered):
    certificate = registered.certificates.first()
    context = documents_services.certificate_context(certificate)
    assert context["verify_url"] == f"https://zs.example.cn/verify/c/{certificate.verify_token}/"
    text = documents_services.certificate_qr_text(certificate)
    assert text.startswith(context["verify_url"])  # then the signed offline payload (cases.documents.qr)
    assert context["qr_data_uri"] == qr_png_data_uri(text)


def test_the_batch_downloads_as_a_zip_of_signed_pdfs_with_a_manifest(registered, applicant, monkeypatch):
    monkeypatch.setattr(documents_services, "EXPORT_PART_SIZE", 2)
    with TestCase.captureOnCommitCallbacks(execute=True):
        export = documents_services.certificate_export_start(batch=registered, actor=applicant)
    export.refresh_from_db()
    assert export.status == CertificateExport.Status.DONE and export.done == export.total == 3
    numbers = list(registered.certificates.order_by("number").values_list("number", flat=True))
    with zipfile.ZipFile(export.file.open("rb")) as bundle:
        parts = sorted(n for n in bundle.namelist() if n.endswith(".pdf"))
        assert parts == sorted(f"{number}.pdf" for number in numbers)  # one signed PDF per certificate
        manifest = list(csv.reader(io.StringIO(bundle.read("manifest.csv").decode("utf-8-sig"))))
        for name, page, number, _holder, digest in manifest[1:]:
            pdf = bundle.read(name)
            assert name == f"{number}.pdf" and page == "1"
            assert hashlib.sha256(pdf).hexdigest() == digest
            assert number in "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert sorted(row[2] for row in manifest[1:]) == numbers


def test_revoked_certificates_are_left_out_of_the_zip_and_cannot_be_downloaded(registered, applicant):
    certificate = registered.certificates.first()
    revocation_services.certificate_revoke(certificate=certificate, actor=applicant, reason="冒名顶替")
    with pytest.raises(ValidationError):
        documents_services.certificate_document(certificate=certificate, actor=applicant)
    with TestCase.captureOnCommitCallbacks(execute=True):
        export = documents_services.certificate_export_start(batch=registered, actor=applicant)
    export.refresh_from_db()
    assert export.total == 2


def test_the_body_and_the_regulator_may_revoke_with_a_reason(registered, applicant, reviewer):
    first, second = registered.certificates.order_by("number")[:2]
    revocation_services.certificate_revoke(certificate=first, actor=applicant, reason="考试作弊")
    revocation_services.certificate_revoke(certificate=second, actor=reviewer, reason="机构违规")
    first.refresh_from_db()
    assert first.status == CertificateState.REVOKED and first.revocation_reason == "考试作弊"
    assert first.revoked_by == applicant
    with pytest.raises(ValidationError, match="already been revoked"):
        revocation_services.certificate_revoke(certificate=first, actor=reviewer, reason="again")


def test_revocation_needs_a_reason_and_the_right_person(registered, other_body, approver):
    certificate = registered.certificates.first()
    _organisation, stranger = other_body
    for actor in (stranger, approver):
        with pytest.raises(PermissionDenied):
            revocation_services.certificate_revoke(certificate=certificate, actor=actor, reason="x")
    with pytest.raises(ValidationError):
        revocation_services.certificate_revoke(certificate=certificate, actor=registered.created_by, reason="  ")
