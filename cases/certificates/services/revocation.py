"""Revoking a certificate (the issuing body, or a regulator with the permission)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.common.identity import (  # noqa: F401 (re-exported: certificate code refers to them here)
    id_number_hash,
    mask_id_number,
    normalise_id_number,
    resident_id_problem,
)
from cases.common.services import transition
from cases.models import (
    Certificate,
    CertificateExport,
    CertificateState,
)
from workflow import roles

# Revocation


def may_revoke(user, certificate: Certificate) -> bool:
    if user.has_perm("cases.revoke_certificate"):
        return True
    return roles.has_role(user, roles.APPLICANT) and certificate.organisation.has_member(user)


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """Revoke a certificate with a reason (the issuing body or the regulator)."""
    certificate = Certificate.objects.select_for_update().select_related("organisation").get(pk=certificate.pk)
    if not may_revoke(actor, certificate):
        raise PermissionDenied(_("You may not revoke this certificate."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the revocation."))
    if certificate.status != CertificateState.VALID:
        raise ValidationError(_("This certificate has already been revoked."))
    certificate.revoked_at, certificate.revoked_by, certificate.revocation_reason = timezone.now(), actor, reason
    transition(
        certificate,
        actor,
        "revoke",
        field="status",
        fields=["revoked_at", "revoked_by", "revocation_reason"],
        data={"reason": reason, "number": certificate.number},
    )
    bundles_invalidate(certificate=certificate, actor=actor)
    return certificate


def bundles_invalidate(*, certificate: Certificate, actor) -> int:
    """A revoked certificate may not circulate in a ZIP made before: the batch's finished downloads, and the one
    being generated (it may hold the certificate already), are withdrawn; a download generated again on request
    leaves the revoked certificate out. Inside the caller's transaction."""
    stale = CertificateExport.objects.filter(
        batch_id=certificate.batch_id, status__in=[CertificateExport.Status.DONE, CertificateExport.Status.RUNNING]
    )
    ids = list(stale.values_list("pk", flat=True))
    if ids:
        CertificateExport.objects.filter(pk__in=ids).update(
            status=CertificateExport.Status.ERROR,
            finished_at=Coalesce(F("finished_at"), Value(timezone.now())),
            message=_("Withdrawn: certificate %(number)s was revoked on %(date)s. Generate the download again.")
            % {"number": certificate.number, "date": timezone.localdate().isoformat()},
        )
        audit_record(
            actor=actor,
            action="resultbatch.exports_withdrawn",
            obj=certificate.batch,
            data={"certificate": certificate.number, "exports": ids},
        )
    return len(ids)
