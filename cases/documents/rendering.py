"""Issuing a document (文书) in two phases: number and frozen content now, signed PDF after commit.

`document_issue` runs inside the issuing service's transaction: it allocates the document's gap-free
number (文号) and stores the filled-in template. `document_render` lays it out, signs it and stores the
PDF with its SHA-256; it takes no lock, is idempotent and safe to run twice or concurrently (the first
to finish wins, the other's file is removed), so it belongs in transaction.on_commit or a background job.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from cases.common.numbering import reserve
from cases.documents.pdf import DEFAULT_ISSUING_AUTHORITY, html_to_pdf, qr_png_data_uri, render_html, render_pdf  # noqa: F401 (callers import them from here)
from cases.documents.signing import sign_pdf
from cases.models import NumberSequence
from cases.models.documents import GeneratedDocument

K = GeneratedDocument.Kind
# Titles as printed on the documents and offered as file names: Chinese, whatever the UI language.
DOCUMENT_TITLES = {
    K.ACCEPTANCE_NOTICE: "受理通知书",
    K.SUPPLEMENT_NOTICE: "补正通知书",
    K.REJECTION_NOTICE: "不予受理通知书",
    K.INSPECTION_REPORT: "现场考察报告",
    K.ASSESSMENT_REPORT: "专业评估报告",
    K.DECISION: "备案决定书",
    K.FILING_CERTIFICATE: "备案证明",
    K.RECTIFICATION_NOTICE: "整改通知书",
    K.SANCTION_DECISION: "处理决定书",
    K.SKILL_CERTIFICATE: "职业技能等级证书",
    K.SUBMISSION_RECEIPT: "提交回执",
}
# Keys of the PDF's document information that identify it for verification (covered by the signature).
INFO_KIND, INFO_NUMBER, INFO_ID = "DocumentKind", "DocumentNumber", "DocumentId"
_HASH_CHUNK = 64 * 1024


def issuing_authority() -> str:
    return getattr(settings, "ISSUING_AUTHORITY", DEFAULT_ISSUING_AUTHORITY)


def document_number_allocate(kind: str) -> str:
    """The kind's next number this year from settings.DOCUMENT_NUMBER_PATTERNS ({year}, {seq}): gap-free,
    since the counter row stays locked until the caller's transaction ends and a rollback returns it."""
    pattern = settings.DOCUMENT_NUMBER_PATTERNS.get(kind)
    if not pattern:
        raise ImproperlyConfigured(f"DOCUMENT_NUMBER_PATTERNS has no pattern for {kind!r}.")
    year = timezone.localdate().year
    seq = reserve(NumberSequence, name=f"document:{kind}", year=year)
    return pattern.format(year=year, seq=seq)


def document_issue(
    *,
    kind: str,
    target: models.Model,
    template_name: str,
    context: dict,
    actor: AbstractBaseUser | None,
    title: str | None = None,
    public: bool = True,
    number: str | None = None,
) -> GeneratedDocument:
    """Phase one, inside the caller's transaction: number the document and freeze its content.

    `number` is given only for documents numbered elsewhere (a skill-level certificate carries its
    certificate number); otherwise the kind's pattern allocates one. `title` defaults to the kind's Chinese title.
    """
    with transaction.atomic():  # a savepoint in the caller's transaction; the allocation's own, called alone
        number = number or document_number_allocate(kind)
        html = render_html(template_name, {**context, "doc_number": number})
        return GeneratedDocument.objects.create(
            kind=kind,
            content_type=ContentType.objects.get_for_model(target),
            object_id=str(target.pk),
            title=title or DOCUMENT_TITLES[kind],
            number=number,
            html=html,
            public=public,
            created_by=actor,
        )


def _render_signed(document: GeneratedDocument) -> bytes:
    rendered = html_to_pdf(
        document.html,
        info={
            "Title": f"{document.title} {document.number}",
            "Author": issuing_authority(),
            INFO_KIND: document.kind,
            INFO_NUMBER: document.number,
            INFO_ID: str(document.pk),
        },
    )
    return sign_pdf(
        rendered.pdf, seal=rendered.seal, reason=f"{document.title} {document.number}", location=issuing_authority()
    )


def document_render(document_id: int) -> GeneratedDocument:
    """Phase two, after commit: lay out, sign and store the PDF with its SHA-256 (idempotent)."""
    document = GeneratedDocument.objects.get(pk=document_id)
    if document.is_rendered:
        return document
    if not document.html:
        raise ValueError(f"Document {document_id} has neither a file nor content to render.")
    pdf = _render_signed(document)
    digest = hashlib.sha256(pdf).hexdigest()
    field = document.file.field
    storage = field.storage
    name = storage.save(
        field.generate_filename(document, f"{document.kind}-{document.pk}-{digest[:12]}.pdf"), ContentFile(pdf)
    )
    won = GeneratedDocument.objects.filter(pk=document.pk, rendered_at__isnull=True).update(
        file=name, sha256=digest, size=len(pdf), rendered_at=timezone.now(), html=""
    )
    document.refresh_from_db()
    if not won and document.file.name != name:  # a concurrent render stored its copy first
        storage.delete(name)
    return document


def documents_render(document_ids) -> int:
    """Render several documents in this process; returns how many were rendered now."""
    done = 0
    for document_id in document_ids:
        if not GeneratedDocument.objects.filter(pk=document_id, rendered_at__isnull=False).exists():
            document_render(document_id)
            done += 1
    return done


def document_create(
    *,
    kind: str,
    target: models.Model,
    template_name: str,
    context: dict,
    actor: AbstractBaseUser | None,
    title: str | None = None,
    public: bool = True,
    number: str | None = None,
) -> GeneratedDocument:
    """Issue and render at once: the interim path until every caller renders after commit."""
    document = document_issue(
        kind=kind,
        target=target,
        template_name=template_name,
        context=context,
        actor=actor,
        title=None,  # the kind's Chinese title, whatever language the caller's title was in
        public=public,
        number=number,
    )
    return document_render(document.pk)


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
