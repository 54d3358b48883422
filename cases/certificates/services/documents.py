"""Certificate PDFs: each certificate one signed PDF, rendered in background jobs or on request; a batch as a ZIP."""

import csv
import hashlib
import tempfile
import zipfile

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.certificates.access import may_start_export
from cases.certificates.selectors import job_is_stalled
from cases.common.identity import (  # noqa: F401 (re-exported: certificate code refers to them here)
    id_number_hash,
    mask_id_number,
    normalise_id_number,
    resident_id_problem,
)
from cases.common.locking import locked
from cases.documents.pdf import qr_png_data_uri, render_html, render_pdf
from cases.documents.qr import QrPayload, mask_holder_name, qr_text
from cases.documents.rendering import DOCUMENT_TITLES, document_issue, document_render
from cases.models import (
    BatchState,
    Certificate,
    CertificateExport,
    CertificateState,
    GeneratedDocument,
    ResultBatch,
    SkillLevel,
)
from workflow import background

TEMPLATE = "documents/skill_certificate.html"
KIND = GeneratedDocument.Kind.SKILL_CERTIFICATE
# Kept for callers that still size export parts; every certificate is now its own signed PDF.
EXPORT_PART_SIZE = 100


# Documents


def verify_url(certificate: Certificate) -> str:
    return settings.PUBLIC_BASE_URL + reverse("verify_token", args=[certificate.verify_token])


def certificate_qr_payload(certificate: Certificate) -> QrPayload:
    return QrPayload(
        number=certificate.number,
        holder_masked=mask_holder_name(certificate.holder_name),
        occupation_code=certificate.occupation.code,
        occupation=certificate.occupation.name,
        level=certificate.level,
        issued_on=certificate.issued_on,
    )


def certificate_qr_text(certificate: Certificate) -> str:
    """The QR's text: the verification URL and, in its fragment, the signed offline payload (cases.documents.qr)."""
    return qr_text(verify_url=verify_url(certificate), payload=certificate_qr_payload(certificate))


def certificate_context(certificate: Certificate) -> dict:
    """One page of documents/skill_certificate.html (see the contract in its header)."""
    url = verify_url(certificate)
    occupation = certificate.occupation
    return {
        "number": certificate.number,
        "holder_name": certificate.holder_name,
        "id_masked": certificate.id_masked,
        "occupation": occupation.name,
        "code": occupation.code,
        "trade": occupation.trade,
        "level_label": SkillLevel(certificate.level).label,
        "issued_on": certificate.issued_on,
        "body_name": certificate.organisation.name,
        "body_filing": certificate.batch.plan.filing.number,
        "qr_data_uri": qr_png_data_uri(certificate_qr_text(certificate)),
        "verify_url": url,
    }


def _with_document_relations(queryset):
    return queryset.select_related("organisation", "occupation", "batch__plan__filing")


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """An unsigned preview of the certificate (the issued one is certificate_document's)."""
    return render_pdf(TEMPLATE, {"certificates": [certificate_context(certificate)]})


def _documents_of(certificate_ids):
    return GeneratedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(Certificate),
        object_id__in=[str(pk) for pk in certificate_ids],
        kind=KIND,
    )


def _issue_certificate(certificate: Certificate, actor) -> GeneratedDocument:
    return document_issue(
        kind=KIND,
        target=certificate,
        template_name=TEMPLATE,
        context={"certificates": [certificate_context(certificate)]},
        actor=actor,
        number=certificate.number,
        title=DOCUMENT_TITLES[KIND],
    )


def certificate_document(*, certificate: Certificate, actor) -> GeneratedDocument:
    """The certificate's signed PDF: issued at registration or now, rendered once, then served from storage."""
    status = Certificate.objects.filter(pk=certificate.pk).values_list("status", flat=True).get()  # never stale
    if status != CertificateState.VALID:
        raise ValidationError(_("A revoked certificate cannot be downloaded."))
    document = _documents_of([certificate.pk]).first()
    if document is None:
        with transaction.atomic():
            certificate = _with_document_relations(Certificate.objects.select_for_update()).get(pk=certificate.pk)
            document = _documents_of([certificate.pk]).first()  # issued meanwhile by a concurrent request
            if document is None:
                document = _issue_certificate(certificate, actor)
    # Outside the lock: rendering is idempotent, a concurrent request rendering the same document is harmless.
    return document if document.is_rendered else document_render(document.pk)


def certificate_documents_issue(*, batch: ResultBatch, actor) -> int:
    """Issue the documents of a batch's valid certificates (inside the registering transaction) and render
    them after commit in background jobs of settings.DOCUMENT_RENDER_CHUNK, in parallel on Celery workers."""
    content_type = ContentType.objects.get_for_model(Certificate)
    certificates = _with_document_relations(batch.certificates.filter(status=CertificateState.VALID)).order_by("number")
    issued = set(_documents_of(certificates.values_list("pk", flat=True)).values_list("object_id", flat=True))
    documents = [
        GeneratedDocument(
            kind=KIND,
            content_type=content_type,
            object_id=str(certificate.pk),
            title=DOCUMENT_TITLES[KIND],
            number=certificate.number,
            html=_certificate_html(certificate),
            created_by=actor,
        )
        for certificate in certificates
        if str(certificate.pk) not in issued
    ]
    created = GeneratedDocument.objects.bulk_create(documents, batch_size=200)
    ids = [document.pk for document in created]
    if ids:
        transaction.on_commit(lambda: certificate_documents_render_start(document_ids=ids))
    return len(ids)


def _certificate_html(certificate: Certificate) -> str:
    context = {"certificates": [certificate_context(certificate)], "doc_number": certificate.number}
    return render_html(TEMPLATE, context)


def certificate_documents_render_start(*, document_ids: list[int]) -> None:
    """Queue the rendering of issued certificate documents, a chunk per job (call after commit)."""
    chunk = max(1, settings.DOCUMENT_RENDER_CHUNK)
    if settings.BACKGROUND_JOBS == "celery":
        for start in range(0, len(document_ids), chunk):
            background.start("cases.documents_render", document_ids[start : start + chunk])
    else:  # one thread (or the caller): threads of one process would only contend for the interpreter
        background.start("cases.documents_render", list(document_ids))


def certificate_export_start(*, batch: ResultBatch, actor) -> CertificateExport:
    """Start generating the batch's certificates as a ZIP of PDFs (or return the one under way)."""
    if not may_start_export(actor):
        raise PermissionDenied(_("Auditors read the records; they do not start exports."))
    with transaction.atomic():
        batch = locked(batch)
        if batch.state != BatchState.REGISTERED:
            raise ValidationError(_("Certificates can be downloaded once the batch is registered."))
        now = timezone.now()
        for export in batch.exports.filter(
            status__in=[CertificateExport.Status.QUEUED, CertificateExport.Status.RUNNING]
        ):
            if not job_is_stalled(export, now):
                return export
            CertificateExport.objects.filter(pk=export.pk).update(
                status=CertificateExport.Status.ERROR, message=_("Stopped without finishing."), finished_at=now
            )
        total = batch.certificates.filter(status=CertificateState.VALID).count()
        export = CertificateExport.objects.create(batch=batch, requested_by=actor, total=total)
        audit_record(actor=actor, action="resultbatch.export_started", obj=batch, data={"certificates": total})
        transaction.on_commit(lambda: background.start("cases.certificate_export_run", export.pk))
    return export


def _pages_by_number(queryset, size: int = 100):
    """Certificates in number order, one short query per page: no cursor stays open across the job's
    progress writes (on SQLite that would pin an old snapshot and make those writes fail)."""
    last = ""
    while True:
        page = list(queryset.filter(number__gt=last).order_by("number")[:size])
        if not page:
            return
        last = page[-1].number
        yield from page


def _signed_documents(certificates) -> dict[str, GeneratedDocument]:
    """certificate pk -> its rendered document, issuing and rendering those still missing (idempotent)."""
    by_certificate = {document.object_id: document for document in _documents_of([c.pk for c in certificates])}
    for certificate in certificates:
        document = by_certificate.get(str(certificate.pk))
        if document is None:
            with transaction.atomic():
                document = _issue_certificate(certificate, None)
        if not document.is_rendered:
            document = document_render(document.pk)
        by_certificate[str(certificate.pk)] = document
    return by_certificate


def certificate_export_run(*, export_id: int) -> CertificateExport:
    """Zip every valid certificate's signed PDF (one file per certificate, as issued and verifiable on its
    own) with a manifest (file, page, certificate number, holder, SHA-256 of the file).

    Certificates rendered at registration are copied from storage; missing ones are rendered here. Memory
    stays flat: the ZIP goes straight into a temporary file on disk and certificates are read page by page.
    """
    export = CertificateExport.objects.select_related("batch").get(pk=export_id)
    if export.is_finished:
        return export
    CertificateExport.objects.filter(pk=export.pk).update(
        status=CertificateExport.Status.RUNNING, heartbeat_at=timezone.now()
    )
    batch = export.batch
    certificates = _with_document_relations(batch.certificates.filter(status=CertificateState.VALID))
    try:
        with tempfile.TemporaryFile() as archive, tempfile.TemporaryFile("w+", encoding="utf-8") as manifest:
            writer = csv.writer(manifest)
            writer.writerow(["file", "page", "certificate_number", "holder", "file_sha256"])
            done, page = 0, []
            # Stored PDFs are already compressed: stored as they are, not deflated again.
            with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:

                def write_page():
                    nonlocal done
                    documents = _signed_documents(page)
                    for certificate in page:
                        document = documents[str(certificate.pk)]
                        name = f"{certificate.number}.pdf"
                        with document.file.open("rb") as stored:
                            bundle.writestr(name, stored.read())
                        writer.writerow([name, 1, certificate.number, certificate.holder_name, document.sha256])
                    done += len(page)
                    page.clear()
                    CertificateExport.objects.filter(pk=export.pk).update(done=done, heartbeat_at=timezone.now())

                for certificate in _pages_by_number(certificates):
                    page.append(certificate)
                    if len(page) == EXPORT_PART_SIZE:
                        write_page()
                if page:
                    write_page()
                manifest.seek(0)
                bundle.writestr("manifest.csv", "\ufeff" + manifest.read())
            archive.seek(0)
            digest = hashlib.sha256()
            for chunk in iter(lambda: archive.read(1 << 20), b""):
                digest.update(chunk)
            size = archive.tell()
            archive.seek(0)
            export.file.save(f"{batch.number}-{digest.hexdigest()[:12]}.zip", File(archive), save=False)
        # Only a download still running becomes ready: one withdrawn meanwhile (a certificate in it was revoked,
        # cases.certificates.services.revocation.bundles_invalidate) stays withdrawn and its file goes.
        finished = CertificateExport.objects.filter(pk=export.pk, status=CertificateExport.Status.RUNNING).update(
            status=CertificateExport.Status.DONE,
            done=done,
            total=done,
            file=export.file.name,
            sha256=digest.hexdigest(),
            size=size,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        if not finished:
            export.file.storage.delete(export.file.name)
    except Exception as error:
        CertificateExport.objects.filter(pk=export.pk).update(
            status=CertificateExport.Status.ERROR, message=str(error)[:500], finished_at=timezone.now()
        )
        raise
    export.refresh_from_db()
    return export
