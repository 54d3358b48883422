"""Certificate PDFs: one certificate on request, a registered batch as a ZIP in the background."""

import csv
import hashlib
import tempfile
import zipfile

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.certificates.services.batches import STALLED_AFTER, _locked_batch
from cases.common.identity import (  # noqa: F401 (re-exported: certificate code refers to them here)
    id_number_hash,
    mask_id_number,
    normalise_id_number,
    resident_id_problem,
)
from cases.documents.rendering import document_create, qr_png_data_uri, render_pdf
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

# Certificates per PDF in a batch download (one per page); each part is one WeasyPrint document.
EXPORT_PART_SIZE = 100


# Documents


def verify_url(certificate: Certificate) -> str:
    return settings.PUBLIC_BASE_URL + reverse("verify_token", args=[certificate.verify_token])


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
        "qr_data_uri": qr_png_data_uri(url),
        "verify_url": url,
    }


def _with_document_relations(queryset):
    return queryset.select_related("organisation", "occupation", "batch__plan__filing")


def render_certificate_pdf(certificate: Certificate) -> bytes:
    return render_pdf("documents/skill_certificate.html", {"certificates": [certificate_context(certificate)]})


def certificate_document(*, certificate: Certificate, actor) -> GeneratedDocument:
    """The certificate's PDF, rendered once and then served from storage with its SHA-256."""
    status = Certificate.objects.filter(pk=certificate.pk).values_list("status", flat=True).get()  # never stale
    if status != CertificateState.VALID:
        raise ValidationError(_("A revoked certificate cannot be downloaded."))
    content_type = ContentType.objects.get_for_model(Certificate)
    existing = GeneratedDocument.objects.filter(
        content_type=content_type, object_id=str(certificate.pk), kind=GeneratedDocument.Kind.SKILL_CERTIFICATE
    )
    document = existing.first()
    if document is not None:
        return document
    with transaction.atomic():
        certificate = _with_document_relations(Certificate.objects.select_for_update()).get(pk=certificate.pk)
        document = existing.first()  # rendered meanwhile by a concurrent request
        if document is None:
            document = document_create(
                kind=GeneratedDocument.Kind.SKILL_CERTIFICATE,
                target=certificate,
                template_name="documents/skill_certificate.html",
                context={"certificates": [certificate_context(certificate)]},
                actor=actor,
                title=_("Skill-level certificate %(number)s") % {"number": certificate.number},
            )
    return document


def _stalled_export(export, now) -> bool:
    last = export.heartbeat_at or export.created_at
    return not export.is_finished and now - last > STALLED_AFTER


def certificate_export_start(*, batch: ResultBatch, actor) -> CertificateExport:
    """Start generating the batch's certificates as a ZIP of PDFs (or return the one under way)."""

    with transaction.atomic():
        batch = _locked_batch(batch)
        if batch.state != BatchState.REGISTERED:
            raise ValidationError(_("Certificates can be downloaded once the batch is registered."))
        now = timezone.now()
        for export in batch.exports.filter(
            status__in=[CertificateExport.Status.QUEUED, CertificateExport.Status.RUNNING]
        ):
            if not _stalled_export(export, now):
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


def certificate_export_run(*, export_id: int) -> CertificateExport:
    """Render every valid certificate of the batch, one per page, into PDFs of EXPORT_PART_SIZE pages,
    zipped with a manifest (file, page, certificate number, holder, SHA-256 of the file).

    One document per part rather than per certificate: the CJK font subsets are embedded once per file,
    which makes a page about 6 KiB instead of 200 and the rendering about twice as fast. Memory stays
    flat: parts go straight into a temporary file on disk and certificates are read page by page.
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
            done, part = 0, []
            with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as bundle:

                def write_part():
                    nonlocal done
                    name = f"{batch.number}-{done // EXPORT_PART_SIZE + 1:04d}.pdf"
                    pdf = render_pdf(
                        "documents/skill_certificate.html", {"certificates": [certificate_context(c) for c in part]}
                    )
                    bundle.writestr(name, pdf)
                    digest = hashlib.sha256(pdf).hexdigest()
                    for page, certificate in enumerate(part, start=1):
                        writer.writerow([name, page, certificate.number, certificate.holder_name, digest])
                    done += len(part)
                    part.clear()
                    CertificateExport.objects.filter(pk=export.pk).update(done=done, heartbeat_at=timezone.now())

                for certificate in _pages_by_number(certificates):
                    part.append(certificate)
                    if len(part) == EXPORT_PART_SIZE:
                        write_part()
                if part:
                    write_part()
                manifest.seek(0)
                bundle.writestr("manifest.csv", "\ufeff" + manifest.read())
            archive.seek(0)
            digest = hashlib.sha256()
            for chunk in iter(lambda: archive.read(1 << 20), b""):
                digest.update(chunk)
            size = archive.tell()
            archive.seek(0)
            export.file.save(f"{batch.number}-{digest.hexdigest()[:12]}.zip", File(archive), save=False)
        CertificateExport.objects.filter(pk=export.pk).update(
            status=CertificateExport.Status.DONE,
            done=done,
            total=done,
            file=export.file.name,
            sha256=digest.hexdigest(),
            size=size,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
    except Exception as error:
        CertificateExport.objects.filter(pk=export.pk).update(
            status=CertificateExport.Status.ERROR, message=str(error)[:500], finished_at=timezone.now()
        )
        raise
    export.refresh_from_db()
    return export
