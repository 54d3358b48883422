"""Skill-level certificates: assessment plans, result batches and their review, registration with
certificate numbers, revocation, and the PDFs (one certificate, or a whole batch as a ZIP).

The body's side (plans, imports, submission) is done by members of the filed organisation; the review
runs as the `review` task of workflow.flows.certificates.ResultBatchFlow and each decision completes that task.
"""

import csv
import hashlib
import re
import secrets
import tempfile
import zipfile
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.common.identity import (  # noqa: F401 (re-exported: certificate code refers to them here)
    id_number_hash,
    mask_id_number,
    normalise_id_number,
    resident_id_problem,
)
from cases.common.numbering import next_number
from cases.documents.rendering import document_create, qr_png_data_uri, render_pdf
from cases.models import (
    AssessmentPlan,
    BatchState,
    Certificate,
    CertificateExport,
    CertificateIssuer,
    CertificateSerial,
    CertificateState,
    Filing,
    FilingScope,
    GeneratedDocument,
    NumberSequence,
    Organisation,
    ResultBatch,
    ResultImport,
    RosterMember,
    SkillLevel,
    Venue,
)
from workflow import roles
from workflow.calendar import add_working_days, due_date
from workflow.flows.certificates import batch_flow_resume_after_fix, batch_flow_start, open_review_task_for
from workflow.tasks import task_complete

# A job that has not reported progress for this long is taken to be dead (worker or server restarted).
STALLED_AFTER = timedelta(minutes=10)
_CREATE_CHUNK = 2000
# Certificates per PDF in a batch download (one per page); each part is one WeasyPrint document.
EXPORT_PART_SIZE = 100

# Shared checks


def _is_member(user, organisation: Organisation) -> bool:
    return organisation.members.filter(pk=user.pk).exists()


def ensure_body_member(user, organisation: Organisation) -> None:
    """Only the body's own applicant users act for it."""
    if not (roles.has_role(user, roles.APPLICANT) and _is_member(user, organisation)):
        raise PermissionDenied(_("Only members of %(body)s may do this.") % {"body": organisation.name})


def certifiable_scope_row(*, filing: Filing, occupation, level: int, today: date) -> FilingScope:
    """The filing's scope row allowing `occupation` at `level` on `today`, or ValidationError saying why not."""
    params = {"number": filing.number, "occupation": str(occupation)}
    if not filing.may_certify_on(today):
        status = Filing.Status(filing.status_on(today)).label
        raise ValidationError(
            _("The filing %(number)s is %(status)s: no assessment can be planned or reported under it.")
            % {**params, "status": status}
        )
    row = filing.scope.filter(occupation=occupation).first()
    if row is None:
        raise ValidationError(_("%(occupation)s is not in the filed scope of %(number)s.") % params)
    if row.suspended:
        raise ValidationError(
            _(
                "%(occupation)s is suspended in the filed scope of %(number)s: no assessment can be planned "
                "or reported for it until the suspension is lifted."
            )
            % params
        )
    if level not in row.levels:
        filed = "、".join(str(SkillLevel(value).label) for value in sorted(row.levels))
        raise ValidationError(
            _("%(level)s of %(occupation)s is not in the filed scope of %(number)s (filed: %(levels)s).")
            % {**params, "level": SkillLevel(level).label, "levels": filed}
        )
    return row


def _transition(obj, actor, method: str, *, field: str = "state", public: bool = False, data=None) -> None:
    """Run one fsm transition, save it and record it in the audit trail."""
    source = getattr(obj, field)
    getattr(obj, method)()
    obj.save()
    audit_record(
        actor=actor,
        action=f"{obj._meta.model_name}.{method}",
        obj=obj,
        from_state=source,
        to_state=getattr(obj, field),
        public=public,
        data=data or {},
    )


def _locked_batch(batch) -> ResultBatch:
    return (
        ResultBatch.objects.select_for_update()
        .select_related("organisation", "plan__occupation", "plan__filing")
        .get(pk=batch.pk)
    )


# Assessment plans


@transaction.atomic
def assessment_plan_create(
    *,
    actor,
    scope: FilingScope,
    level: int,
    assessment_date: date,
    venue: Venue,
    expected_candidates: int,
    examiners: list[RosterMember],
    internal_supervisor: RosterMember,
    today: date | None = None,
) -> AssessmentPlan:
    """Declare an upcoming assessment within the body's active, unsuspended scope."""
    today = today or timezone.localdate()
    # Locking the filing queues this behind a suspension being recorded at the same moment.
    filing = Filing.objects.select_for_update().select_related("organisation").get(pk=scope.filing_id)
    organisation = filing.organisation
    ensure_body_member(actor, organisation)
    row = certifiable_scope_row(filing=filing, occupation=scope.occupation, level=level, today=today)
    if assessment_date < today:
        raise ValidationError(_("The assessment date cannot be in the past."))
    if assessment_date > filing.valid_until:
        raise ValidationError(
            _("The assessment date is after the filing %(number)s expires (%(date)s).")
            % {"number": filing.number, "date": filing.valid_until.isoformat()}
        )
    if venue.application_id != filing.application_id:
        raise ValidationError(_("Choose one of the venues filed for %(number)s.") % {"number": filing.number})
    examiners = list(examiners)
    if not examiners:
        raise ValidationError(_("Name at least one examiner."))
    for member in examiners:
        if (
            member.application_id != filing.application_id
            or member.role != RosterMember.Role.EXAMINER
            or member.occupation_id != row.occupation_id
        ):
            raise ValidationError(
                _("%(name)s is not a filed examiner for %(occupation)s.")
                % {"name": member.name, "occupation": row.occupation}
            )
    if (
        internal_supervisor.application_id != filing.application_id
        or internal_supervisor.role != RosterMember.Role.SUPERVISOR
    ):
        raise ValidationError(_("Choose one of the internal supervisors filed for %(number)s.") % {"number": filing})
    results_due = add_working_days(assessment_date, settings.RESULTS_DUE_WORKING_DAYS[organisation.kind])
    plan = AssessmentPlan.objects.create(
        number=next_number(name="assessment_plan", pattern_setting="ASSESSMENT_PLAN_NUMBER_PATTERN"),
        organisation=organisation,
        filing=filing,
        occupation=row.occupation,
        level=level,
        assessment_date=assessment_date,
        venue=venue,
        expected_candidates=expected_candidates,
        internal_supervisor=internal_supervisor,
        results_due=results_due,
        created_by=actor,
    )
    plan.examiners.set(examiners)
    audit_record(
        actor=actor,
        action="assessment_plan.created",
        obj=plan,
        data={
            "filing": filing.number,
            "occupation": str(row.occupation),
            "level": level,
            "date": assessment_date,
            "expected": expected_candidates,
            "results_due": results_due,
        },
    )
    return plan


# Result batches: the body's side


@transaction.atomic
def result_batch_create(*, plan: AssessmentPlan, actor, today: date | None = None) -> ResultBatch:
    """Open the results report of a held assessment."""
    today = today or timezone.localdate()
    plan = AssessmentPlan.objects.select_for_update().select_related("organisation").get(pk=plan.pk)
    ensure_body_member(actor, plan.organisation)
    if ResultBatch.objects.filter(plan=plan).exists():
        raise ValidationError(_("The results of this assessment are already being reported."))
    if today < plan.assessment_date:
        raise ValidationError(
            _("Results can be reported once the assessment has been held (on %(date)s).")
            % {"date": plan.assessment_date.isoformat()}
        )
    batch = ResultBatch.objects.create(
        number=next_number(name="result_batch", pattern_setting="RESULT_BATCH_NUMBER_PATTERN"),
        plan=plan,
        organisation=plan.organisation,
        created_by=actor,
    )
    audit_record(actor=actor, action="resultbatch.created", obj=batch, to_state=batch.state, data={"plan": plan.number})
    return batch


def _stalled(job, now) -> bool:
    last = job.heartbeat_at or job.started_at or job.created_at
    return not job.is_finished and now - last > STALLED_AFTER


def _close_stalled_imports(batch) -> None:
    now = timezone.now()
    for job in batch.imports.filter(status__in=[ResultImport.Status.QUEUED, ResultImport.Status.RUNNING]):
        if _stalled(job, now):
            ResultImport.objects.filter(pk=job.pk).update(
                status=ResultImport.Status.ERROR,
                message=_("The import stopped without finishing (the server was restarted?). Import the file again."),
                finished_at=now,
            )


def running_import(batch) -> ResultImport | None:
    _close_stalled_imports(batch)
    return batch.imports.filter(status__in=[ResultImport.Status.QUEUED, ResultImport.Status.RUNNING]).first()


def result_import_start(*, batch: ResultBatch, actor, uploaded) -> ResultImport:
    """Store an uploaded results file and start checking it in the background."""
    from cases.certificates.imports import sniff_format
    from cases.certificates.jobs import dispatch, result_import_run

    if uploaded.size > settings.RESULT_IMPORT_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)d MB); the limit is %(limit)d MB.")
            % {"size": uploaded.size // 2**20, "limit": settings.RESULT_IMPORT_MAX_BYTES // 2**20}
        )
    file_format = sniff_format(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    with transaction.atomic():
        batch = _locked_batch(batch)
        ensure_body_member(actor, batch.organisation)
        if not batch.is_editable_by_body:
            raise ValidationError(_("Results can only be imported while the batch is a draft or returned."))
        if running_import(batch) is not None:
            raise ValidationError(_("An import of this batch is already running; wait for it to finish."))
        job = ResultImport(
            batch=batch,
            original_name=uploaded.name[-200:],
            sha256=digest.hexdigest(),
            size=uploaded.size,
            created_by=actor,
        )
        job.file.save(f"{batch.pk}-{job.sha256[:16]}.{file_format}", uploaded, save=False)
        job.save()
        audit_record(
            actor=actor,
            action="resultbatch.import_started",
            obj=batch,
            data={"name": job.original_name, "sha256": job.sha256, "size": job.size},
        )
        transaction.on_commit(lambda: dispatch(result_import_run, job.pk))
    return job


def result_batch_submit(*, batch: ResultBatch, actor, today: date | None = None) -> ResultBatch:
    """Submit (or resubmit after a return) an imported batch for review."""
    today = today or timezone.localdate()
    with transaction.atomic():
        batch = _locked_batch(batch)
        ensure_body_member(actor, batch.organisation)
        if not batch.is_editable_by_body:
            raise ValidationError(_("Only a draft or returned batch can be submitted."))
        last = batch.imports.first()
        if running_import(batch) is not None:
            raise ValidationError(_("The import is still running; wait for it to finish."))
        if last is None or batch.candidate_count == 0:
            raise ValidationError(_("Import the results file first."))
        if last.status != ResultImport.Status.DONE:
            raise ValidationError(
                _("The last import was not accepted (%(status)s). Correct the file and import it again.")
                % {"status": last.get_status_display()}
            )
        plan = batch.plan
        filing = Filing.objects.get(pk=plan.filing_id)
        certifiable_scope_row(filing=filing, occupation=plan.occupation, level=plan.level, today=today)
        resubmission = batch.state == BatchState.RETURNED
        if not resubmission:
            batch.submitted_late = today > plan.results_due
        batch.submitted_at = timezone.now()
        batch.review_due = due_date(today, "batch_review")
        _transition(
            batch,
            actor,
            "submit",
            data={"resubmission": resubmission, "candidates": batch.candidate_count, "late": batch.submitted_late},
        )
        if resubmission:
            batch_flow_resume_after_fix(batch=batch)
        else:
            batch_flow_start(batch=batch)
    return batch


# The regulator's review (a task of ResultBatchFlow)


def _run_review(*, batch: ResultBatch, actor, work) -> ResultBatch:
    batch = ResultBatch.objects.select_related("organisation").get(pk=batch.pk)  # never stale
    if _is_member(actor, batch.organisation):
        raise PermissionDenied(_("You belong to the reporting body and may not review its batch."))
    task = open_review_task_for(batch=batch, actor=actor)
    result = {}

    def locked_work():
        result["batch"] = _locked_batch(batch)
        if result["batch"].state != BatchState.SUBMITTED:
            raise ValidationError(_("This batch is not waiting for review."))
        work(result["batch"])

    task_complete(task_id=task.pk, actor=actor, work=locked_work)
    return result["batch"]


def result_batch_approve(*, batch: ResultBatch, actor, today: date | None = None) -> ResultBatch:
    """Approve and register the batch: one certificate per passed candidate."""
    today = today or timezone.localdate()

    def work(locked):
        issued = _issue_certificates(locked, today)
        locked.decided_by, locked.decided_at = actor, timezone.now()
        _transition(locked, actor, "register", data=issued)
        _note_assessment_held(locked.plan)

    return _run_review(batch=batch, actor=actor, work=work)


def result_batch_return(*, batch: ResultBatch, actor, reasons: list[str], today: date | None = None) -> ResultBatch:
    """Return the batch with reasons; the body corrects it within the fix limit and resubmits."""
    items = [item.strip() for item in reasons if item.strip()]
    if not items:
        raise ValidationError(_("Name at least one thing for the body to correct."))
    today = today or timezone.localdate()

    def work(locked):
        locked.return_reasons = items
        locked.returned_at = timezone.now()
        locked.fix_due = due_date(today, "batch_fix")
        _transition(locked, actor, "return_for_fix", data={"reasons": items, "fix_due": locked.fix_due})

    return _run_review(batch=batch, actor=actor, work=work)


def result_batch_reject(*, batch: ResultBatch, actor, reasons: str) -> ResultBatch:
    """Refuse to register the batch, with reasons."""
    if not reasons.strip():
        raise ValidationError(_("Give the reasons for the rejection."))

    def work(locked):
        locked.rejection_reasons = reasons.strip()
        locked.decided_by, locked.decided_at = actor, timezone.now()
        _transition(locked, actor, "reject", data={"reasons": reasons.strip()})

    return _run_review(batch=batch, actor=actor, work=work)


def _note_assessment_held(plan: AssessmentPlan) -> None:
    from cases.registry.services import filing_assessment_held

    filing_assessment_held(filing=plan.filing, held_on=plan.assessment_date)


# Registration: certificate numbers


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
    """Reserve `count` consecutive serials for the body, year and level; returns the first.

    The serial row stays locked until the caller's transaction ends, so concurrent registrations
    queue here and a rolled-back registration gives its serials back: no gaps, no duplicates.
    """
    try:
        with transaction.atomic():
            CertificateSerial.objects.get_or_create(issuer=issuer, year=year, level=level)
    except IntegrityError:  # created concurrently
        pass
    serial = CertificateSerial.objects.select_for_update().get(issuer=issuer, year=year, level=level)
    first = serial.last + 1
    if serial.last + count > 999_999:
        raise ValidationError(
            _("Only %(left)d certificate serials are left for this body, year and level.")
            % {"left": 999_999 - serial.last}
        )
    serial.last += count
    serial.save(update_fields=["last"])
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


# Revocation


def may_revoke(user, certificate: Certificate) -> bool:
    if user.has_perm("cases.revoke_certificate"):
        return True
    return roles.has_role(user, roles.APPLICANT) and _is_member(user, certificate.organisation)


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
    _transition(certificate, actor, "revoke", field="status", data={"reason": reason, "number": certificate.number})
    return certificate


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
    from cases.certificates.jobs import certificate_export_run, dispatch

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
        transaction.on_commit(lambda: dispatch(certificate_export_run, export.pk))
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
