"""/verify/document/: public, rate-limited; valid, changed after signing or not ours; a certificate's status."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.certificates.services import documents as certificate_documents
from cases.certificates.services import revocation
from cases.documents.pdf import render_pdf
from tests.documents.conftest import stored_bytes
from tests.documents.samples import sample_contexts
from tests.documents.test_signatures import content_stream_byte_changed, page_appended

pytestmark = pytest.mark.django_db
URL = "/verify/document/"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def upload(client, data: bytes, name="document.pdf"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def result(response) -> tuple[str, str]:
    html = response.content.decode()
    status = html.split('data-status="', 1)[1].split('"', 1)[0]
    reason = html.split('data-reason="', 1)[1].split('"', 1)[0]
    return status, reason


def test_the_page_is_public(client):
    assert reverse("verify_document") == URL
    response = client.get(URL)
    assert response.status_code == 200 and b'enctype="multipart/form-data"' in response.content


def test_an_issued_document_is_genuine_with_its_number(client, issued_notice):
    response = upload(client, stored_bytes(issued_notice))

    assert response.status_code == 200
    assert result(response) == ("valid", "intact")
    assert issued_notice.number in response.content.decode()


def test_a_changed_copy_is_reported_as_changed_after_signing(client, issued_notice):
    pdf = stored_bytes(issued_notice)
    assert result(upload(client, content_stream_byte_changed(pdf))) == ("broken", "changed")
    assert result(upload(client, page_appended(pdf))) == ("broken", "appended")


def test_an_unsigned_pdf_is_not_ours(client):
    pdf = render_pdf("documents/decision.html", sample_contexts()["documents/decision.html"])
    assert result(upload(client, pdf)) == ("not_ours", "unsigned")


def test_a_certificate_shows_its_current_status(client, registered_batch, applicant):
    certificate = registered_batch.certificates.order_by("number").first()
    pdf = stored_bytes(certificate_documents.certificate_document(certificate=certificate, actor=applicant))
    assert 'data-testid="verify-certificate-status" data-status="valid"' in upload(client, pdf).content.decode()

    revocation.certificate_revoke(certificate=certificate, actor=applicant, reason="冒名顶替")

    response = upload(client, pdf)
    assert result(response) == ("valid", "intact")  # the file is still the bureau's, unchanged ...
    assert 'data-status="revoked"' in response.content.decode()  # ... but the certificate no longer counts
    assert "签名真实，但证书已撤销" in response.content.decode()  # and the headline says so first


@pytest.mark.parametrize("data", [b"hello, not a pdf", b"%PDF-1.7\n garbage"])
def test_bad_input_is_a_form_error_not_a_500(client, data):
    response = upload(client, data)

    assert response.status_code == 400
    assert b"errorlist" in response.content


def test_a_missing_file_is_a_form_error(client):
    assert client.post(URL, {}).status_code == 400


def test_checks_are_rate_limited_per_client(client, settings, issued_notice):
    settings.DOCUMENT_VERIFY_RATE_LIMIT = 2
    pdf = stored_bytes(issued_notice)
    assert [upload(client, pdf).status_code for _ in range(2)] == [200, 200]

    response = upload(client, pdf)

    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert b'data-testid="verify-limited"' in response.content
