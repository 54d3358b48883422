"""Registration of a batch: gap-free certificate numbers per issuer, year and level, and issuing the certificates."""

import re
import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.common.identity import (  # noqa: F401 (re-exported: certificate code refers to them here)
    id_number_hash,
    mask_id_number,
    normalise_id_number,
    resident_id_problem,
)
from cases.common.numbering import reserve
from cases.models import (
    Certificate,
    CertificateIssuer,
    CertificateSerial,
    NumberSequence,
    Organisation,
    ResultBatch,
)

# Registration: certificate numbers


_CREATE_CHUNK = 2000


def number_prefix(*, organisation: Organisation, issuer: CertificateIssuer, year: int, level: int) -> str:
    """The first 16 characters: Y/S, ministry code, province, body sequence, year, level."""
    ministry, province = settings.CERTIFICATE_MINISTRY_CODE, settings.CERTIFICATE_PROVINCE_CODE
    if not (re.fullmatch(r"\d{4}", ministry) and re.fullmatch(r"\d{2}", province)):
        raise ImproperlyConfigured("CERTIFICATE_MINISTRY_CODE needs 4 digits and CERTIFICATE_PROVINCE_CODE 2.")
    kind = "Y" if organisation.kind == Organisation.Kind.ENTERPRISE else "S"
    return f"{kind}{ministry}{province}{issuer.sequence:06d}{year % 100:02d}{level}"


def _issuer_for(organisation: Organisation) -> CertificateIssuer:
    """The body's issuer code, assigned from the province-wide body sequence on first use.

    Callers hold the organisation's row lock, so one body never gets two codes.
    """
    issuer = CertificateIssuer.objects.filter(organisation=organisation).first()
    if issuer is not None:
        return issuer
    # The body sequence is not yearly: one NumberSequence row with year 0.
    try:
        with transaction.atomic():
            NumberSequence.objects.get_or_create(name="certificate_body", year=0)
    except IntegrityError:  # created concurrently; the row now exists
        pass
    sequence = NumberSequence.objects.select_for_update().get(name="certificate_body", year=0)
    sequence.last += 1
    if sequence.last > 999_999:
        raise ValidationError(_("The 6-digit body sequence of certificate numbers is exhausted."))
    sequence.save(update_fields=["last"])
    return CertificateIssuer.objects.create(organisation=organisation, sequence=sequence.last)


def take_serials(*, issuer: CertificateIssuer, year: int, level: int, count: int) -> int:
    """Reserve `count` consecutive serials for the body, year and level; returns the first (gap-free)."""
    first = reserve(CertificateSerial, issuer=issuer, year=year, level=level, count=count)
    if first + count - 1 > 999_999:
        raise ValidationError(
            _("Only %(left)d certificate serials are left for this body, year and level.")
            % {"left": max(999_999 - (first - 1), 0)}
        )
    return first


def _issue_certificates(batch: ResultBatch, today: date) -> dict:
    """Create one certificate per passed candidate, numbered in the order of the results file."""
    plan, organisation = batch.plan, batch.organisation
    # One registration per body at a time: the issuer code and the serials are the body's.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    passed = batch.candidates.filter(passed=True).order_by("line")
    count = passed.count()
    if count == 0:
        return {"certificates": 0}
    issuer = _issuer_for(organisation)
    year = today.year
    prefix = number_prefix(organisation=organisation, issuer=issuer, year=year, level=plan.level)
    serial = take_serials(issuer=issuer, year=year, level=plan.level, count=count)
    first_number = f"{prefix}{serial:06d}"
    pending = []
    for candidate in passed.iterator(chunk_size=_CREATE_CHUNK):
        pending.append(
            Certificate(
                number=f"{prefix}{serial:06d}",
                verify_token=secrets.token_urlsafe(16),
                batch=batch,
                candidate=candidate,
                organisation=organisation,
                occupation_id=plan.occupation_id,
                level=plan.level,
                holder_name=candidate.name,
                id_hash=candidate.id_hash,
                id_masked=candidate.id_masked,
                issued_on=today,
                year=year,
                district_id=organisation.district_id,
                body_kind=organisation.kind,
                body_category=organisation.category,
            )
        )
        serial += 1
        if len(pending) >= _CREATE_CHUNK:
            Certificate.objects.bulk_create(pending)
            pending = []
    Certificate.objects.bulk_create(pending)
    return {"certificates": count, "first": first_number, "last": f"{prefix}{serial - 1:06d}"}
