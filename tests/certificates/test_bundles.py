"""A revoked certificate does not circulate in a bundle: the batch's ZIPs made before (or being made) are withdrawn,
one generated again leaves it out; its own page names what a paper copy is checked against."""

import csv
import io
import zipfile

import pytest
from django.test import TestCase
from django.urls import reverse

from audits.models import AuditEvent
from cases.certificates.services import batches as services
from cases.certificates.services import documents as documents_services
from cases.certificates.services import revocation
from cases.models import CertificateExport
from tests.certificates.conftest import good_rows, imported_batch, make_plan

pytestmark = pytest.mark.django_db
Status = CertificateExport.Status


@pytest.fixture
def registered(filing, applicant, reviewer):
    batch = imported_batch(make_plan(filing, applicant), applicant, good_rows(3))
    services.result_batch_submit(batch=batch, actor=applicant)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.result_batch_approve(batch=batch, actor=reviewer)


def _export(batch, actor) -> CertificateExport:
    with TestCase.captureOnCommitCallbacks(execute=True):
        export = documents_services.certificate_export_start(batch=batch, actor=actor)
    export.refresh_from_db()
    return export


def _numbers_in(export) -> tuple[list[str], list[str]]:
    with zipfile.ZipFile(export.file.open("rb")) as bundle:
        files = sorted(name.removesuffix(".pdf") for name in bundle.namelist() if name.endswith(".pdf"))
        rows = list(csv.reader(io.StringIO(bundle.read("manifest.csv").decode("utf-8-sig"))))[1:]
    return files, sorted(row[2] for row in rows)


def _zips(media_root) -> list:
    return sorted((media_root / "exports").rglob("*.zip")) if (media_root / "exports").exists() else []


def test_revoking_withdraws_the_finished_zip_and_the_next_one_leaves_the_certificate_out(
    client, registered, applicant, settings
):
    first = _export(registered, applicant)
    assert first.status == Status.DONE and first.total == 3
    revoked = registered.certificates.order_by("number").first()

    revocation.certificate_revoke(certificate=revoked, actor=applicant, reason="冒名顶替")

    first.refresh_from_db()
    assert first.status == Status.ERROR and revoked.number in first.message and first.finished_at
    event = AuditEvent.objects.get(action="resultbatch.exports_withdrawn")
    assert event.data == {"certificate": revoked.number, "exports": [first.pk]}
    client.force_login(applicant)
    assert client.get(reverse("certificates:export_download", args=[registered.pk, first.pk])).status_code == 404
    page = client.get(reverse("certificates:batch_detail", args=[registered.pk])).content.decode()
    assert (
        'data-testid="export-error"' in page and revoked.number in page and 'data-testid="export-download"' not in page
    )

    second = _export(registered, applicant)
    assert second.status == Status.DONE and second.total == 2
    files, manifest = _numbers_in(second)
    valid = sorted(registered.certificates.exclude(pk=revoked.pk).values_list("number", flat=True))
    assert files == manifest == valid and revoked.number not in files


def test_a_zip_being_generated_when_a_certificate_is_revoked_is_withdrawn_and_its_file_removed(
    registered, applicant, reviewer, monkeypatch, settings
):
    with TestCase.captureOnCommitCallbacks(execute=False):  # queued; its job runs below
        export = documents_services.certificate_export_start(batch=registered, actor=applicant)
    revoked = registered.certificates.order_by("number").first()
    original = documents_services._signed_documents

    def revoked_while_zipping(page):
        # The regulator revokes a certificate while the job is writing the ZIP that holds it.
        revocation.certificate_revoke(certificate=revoked, actor=reviewer, reason="证书造假")
        return original(page)

    monkeypatch.setattr(documents_services, "_signed_documents", revoked_while_zipping)
    documents_services.certificate_export_run(export_id=export.pk)

    export.refresh_from_db()
    assert export.status == Status.ERROR and revoked.number in export.message
    assert not export.file and _zips(settings.MEDIA_ROOT) == []


def test_revoking_leaves_the_downloads_of_other_batches_alone(registered, filing, applicant, reviewer):
    other = imported_batch(make_plan(filing, applicant), applicant, good_rows(2, start=10))
    services.result_batch_submit(batch=other, actor=applicant)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.result_batch_approve(batch=other, actor=reviewer)
    kept = _export(other, applicant)
    revocation.certificate_revoke(certificate=registered.certificates.first(), actor=applicant, reason="作弊")
    kept.refresh_from_db()
    assert kept.status == Status.DONE


def test_the_certificate_page_names_occupation_level_and_issuer(client, registered, applicant, reviewer):
    certificate = registered.certificates.select_related("occupation", "organisation").first()
    for user in (applicant, reviewer):
        client.force_login(user)
        response = client.get(
            reverse("certificates:certificate_detail", args=[certificate.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        body = "".join(response.content.decode().split())
        assert response.status_code == 200
        for shown in (
            "6-18-02-04",
            "焊工",
            "四级/中级工",
            certificate.organisation.name,
            registered.plan.filing.number,
        ):
            assert shown in body, shown
