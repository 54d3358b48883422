"""Is this PDF one of ours, unchanged? Checks an uploaded or local file's signatures against the bureau's roots.

Answers one of three: "valid" (signed by the bureau's key and not changed since: the signature covers the
whole file), "broken" (a signature of the bureau's key is there but the file was changed after signing: a
byte of the signed content, or anything appended afterwards such as a page) or "not_ours" (no signature,
or only signatures of other keys). Reads only: the register is looked up, never written.
"""

import hashlib
import io
import logging
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from cases.documents.rendering import DOCUMENT_TITLES, INFO_KIND, INFO_NUMBER
from cases.documents.signing import trust_roots
from cases.models import Certificate, CertificateState
from cases.models.documents import GeneratedDocument

logger = logging.getLogger(__name__)

VALID, BROKEN, NOT_OURS = "valid", "broken", "not_ours"


class UnreadablePdf(ValueError):
    """The file is not a PDF that can be parsed."""


@dataclass
class DocumentVerdict:
    status: str
    reason: str  # why: "intact", "changed", "appended", "unsigned", "other_signer"
    sha256: str
    number: str = ""
    kind: str = ""
    title: str = ""
    signer: str = ""
    signed_at: object = None
    document: GeneratedDocument | None = None
    matches_register: bool = False
    certificate_status: str | None = None
    signatures: list[dict] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.status == VALID

    @property
    def revoked_certificate(self) -> bool:
        """The bureau's unchanged file of a certificate revoked since: genuine, but no longer to be relied on."""
        return self.valid and self.certificate_status == CertificateState.REVOKED


def _info(reader: PdfFileReader, revision: int | None) -> dict[str, str]:
    try:
        trailer = reader.get_historical_resolver(revision).trailer_view if revision is not None else reader.trailer
        info = trailer["/Info"]
        return {key: str(info.get("/" + key, "")) for key in (INFO_KIND, INFO_NUMBER)}
    except (KeyError, PdfReadError, TypeError, ValueError):
        return {INFO_KIND: "", INFO_NUMBER: ""}


def _common_name(cert) -> str:
    try:
        return cert.subject.native.get("common_name", "") if cert else ""
    except ValueError:
        return ""


def _register_entry(kind: str, number: str) -> GeneratedDocument | None:
    if not kind or not number:
        return None
    return GeneratedDocument.objects.filter(kind=kind, number=number).first()


def _certificate_status(document: GeneratedDocument | None) -> str | None:
    if document is None or document.content_type_id != ContentType.objects.get_for_model(Certificate).pk:
        return None
    return Certificate.objects.filter(pk=document.object_id).values_list("status", flat=True).first()


def verify_pdf(data: bytes) -> DocumentVerdict:
    """Verify a PDF's bureau signature and look the document up in the register; UnreadablePdf if not a PDF."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as error:  # pyHanko raises a variety of errors on garbage; all mean "not a PDF we can read"
        raise UnreadablePdf(str(error)) from error
    if not signatures:
        info = _info(reader, None)
        return DocumentVerdict(NOT_OURS, "unsigned", digest, number=info[INFO_NUMBER], kind=info[INFO_KIND])
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail")
    ours_intact, ours_broken, checked = None, None, []
    for signature in signatures:
        try:
            status = validate_pdf_signature(signature, signer_validation_context=context, skip_diff=True)
        except Exception as error:  # a malformed signature container is not a valid signature
            logger.info("Signature %s could not be validated: %r", signature.field_name, error)
            checked.append({"field": signature.field_name, "ours": False, "intact": False})
            continue
        ours = status.trust_problem_indic is None and status.validation_path is not None
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        checked.append({"field": signature.field_name, "ours": ours, "intact": status.intact and status.valid})
        if ours and status.intact and status.valid and whole:
            ours_intact = (signature, status)
        elif ours and ours_broken is None:
            ours_broken = (signature, status, "appended" if status.intact and status.valid else "changed")
    if ours_intact:
        signature, status = ours_intact
        info = _info(reader, None)
        verdict = DocumentVerdict(VALID, "intact", digest, number=info[INFO_NUMBER], kind=info[INFO_KIND])
    elif ours_broken:
        signature, status, reason = ours_broken
        # What the signed revision says it is: authentic when only something was appended, a claim otherwise.
        info = _info(reader, signature.signed_revision if reason == "appended" else None)
        verdict = DocumentVerdict(BROKEN, reason, digest, number=info[INFO_NUMBER], kind=info[INFO_KIND])
    else:
        info = _info(reader, None)
        return DocumentVerdict(
            NOT_OURS, "other_signer", digest, number=info[INFO_NUMBER], kind=info[INFO_KIND], signatures=checked
        )
    verdict.signer = _common_name(status.signing_cert)
    verdict.signed_at = signature.self_reported_timestamp
    verdict.signatures = checked
    verdict.document = _register_entry(verdict.kind, verdict.number)
    verdict.title = DOCUMENT_TITLES.get(verdict.kind, "")
    if verdict.document is not None:
        verdict.matches_register = verdict.document.sha256 == digest
        verdict.certificate_status = _certificate_status(verdict.document)
    return verdict
