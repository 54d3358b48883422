"""Skill-level certificates: assessment plans, result batches and their review, registration with
certificate numbers, revocation, and the PDFs (one certificate, or a whole batch as a ZIP).

The body's side (plans, imports, submission) is done by members of the filed organisation; the review
runs as the `review` task of workflow.flows.certificates.ResultBatchFlow and each decision completes that task."""

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.certificates.selectors import STALLED_MESSAGE, job_is_stalled, running_import
from cases.certificates.services.documents import certificate_documents_issue
from cases.certificates.services.registration import _issue_certificates
from cases.common.identity import (  # noqa: F401 (re-exported: certificate code refers to them here)
    id_number_hash,
    mask_id_number,
    normalise_id_number,
    resident_id_problem,
)
from cases.common.locking import locked
from cases.common.numbering import next_number
from cases.common.services import transition
from cases.common.steps import run_task_step
from cases.models import (
    AssessmentPlan,
    BatchState,
    Filing,
    FilingScope,
    Organisation,
    ResultBatch,
    ResultImport,
    SkillLevel,
)
from workflow import background, roles
from workflow import notifications as notify
from workflow.calendar import due_date
from workflow.flows.certificates import ResultBatchFlow
from workflow.services import flow_start, waiting_step_answer

# A job that has not reported progress for this long is taken to be dead (worker or server restarted).


# Shared checks


def ensure_body_member(user, organisation: Organisation) -> None:
    """Only the body's own applicant users act for it."""
    if not (roles.has_role(user, roles.APPLICANT) and organisation.has_member(user)):
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


def imports_close_stalled(batch) -> None:
    """Mark the batch's imports that stopped reporting progress (the worker or server restarted) as failed."""
    now = timezone.now()
    for job in batch.imports.filter(status__in=[ResultImport.Status.QUEUED, ResultImport.Status.RUNNING]):
        if job_is_stalled(job, now):
            ResultImport.objects.filter(pk=job.pk).update(
                status=ResultImport.Status.ERROR, message=STALLED_MESSAGE, finished_at=now
            )


def result_import_start(*, batch: ResultBatch, actor, uploaded) -> ResultImport:
    """Store an uploaded results file and start checking it in the background."""
    from cases.certificates.imports.reading import sniff_format

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
        batch = locked(batch)
        ensure_body_member(actor, batch.organisation)
        if not batch.is_editable_by_body:
            raise ValidationError(_("Results can only be imported while the batch is a draft or returned."))
        imports_close_stalled(batch)
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
        transaction.on_commit(lambda: background.start("cases.result_import_run", job.pk))
    return job


def result_batch_submit(*, batch: ResultBatch, actor, today: date | None = None) -> ResultBatch:
    """Submit (or resubmit after a return) an imported batch for review."""
    today = today or timezone.localdate()
    process_id = ResultBatch.objects.filter(pk=batch.pk).values_list("process_id", flat=True).get()
    # A resubmission completes the waiting correction: the process row first (the one lock order).
    with ResultBatchFlow.lock(process_id) if process_id else transaction.atomic():
        batch = locked(batch)
        ensure_body_member(actor, batch.organisation)
        if not batch.is_editable_by_body:
            raise ValidationError(_("Only a draft or returned batch can be submitted."))
        last = batch.imports.first()
        imports_close_stalled(batch)
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
        transition(
            batch,
            actor,
            "submit",
            fields=["submitted_late", "submitted_at", "review_due"],
            data={"resubmission": resubmission, "candidates": batch.candidate_count, "late": batch.submitted_late},
        )
        if resubmission:
            waiting_step_answer(subject=batch, node=ResultBatchFlow.fix, actor=actor)
        else:
            flow_start(ResultBatchFlow, subject=batch)
    return batch


# The regulator's review (a task of ResultBatchFlow)


def _batch_url(batch) -> str:
    return reverse("certificates:batch_detail", args=[batch.pk])


def _run_review(*, batch: ResultBatch, actor, work) -> ResultBatch:
    def checked_work(locked_batch):
        if locked_batch.state != BatchState.SUBMITTED:
            raise ValidationError(_("This batch is not waiting for review."))
        work(locked_batch)

    return run_task_step(subject=batch, actor=actor, step=ResultBatchFlow.review, work=checked_work)


def result_batch_approve(*, batch: ResultBatch, actor, today: date | None = None) -> ResultBatch:
    """Approve and register the batch: one certificate per passed candidate."""
    today = today or timezone.localdate()

    def work(locked):
        issued = _issue_certificates(locked, today)
        locked.decided_by, locked.decided_at = actor, timezone.now()
        transition(locked, actor, "register", fields=["decided_by", "decided_at"], data=issued)
        certificate_documents_issue(batch=locked, actor=actor)  # numbered now, rendered and signed after commit
        _note_assessment_held(locked.plan)
        notify.notify_batch_decided(batch=locked, outcome=notify.REGISTERED, url=_batch_url(locked))

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
        transition(
            locked,
            actor,
            "return_for_fix",
            fields=["return_reasons", "returned_at", "fix_due"],
            data={"reasons": items, "fix_due": locked.fix_due},
        )
        notify.notify_batch_decided(batch=locked, outcome=notify.RETURNED, url=_batch_url(locked))

    return _run_review(batch=batch, actor=actor, work=work)


def result_batch_reject(*, batch: ResultBatch, actor, reasons: str) -> ResultBatch:
    """Refuse to register the batch, with reasons."""
    if not reasons.strip():
        raise ValidationError(_("Give the reasons for the rejection."))

    def work(locked):
        locked.rejection_reasons = reasons.strip()
        locked.decided_by, locked.decided_at = actor, timezone.now()
        transition(
            locked,
            actor,
            "reject",
            fields=["rejection_reasons", "decided_by", "decided_at"],
            data={"reasons": reasons.strip()},
        )
        notify.notify_batch_decided(batch=locked, outcome=notify.REJECTED, url=_batch_url(locked))

    return _run_review(batch=batch, actor=actor, work=work)


def _note_assessment_held(plan: AssessmentPlan) -> None:
    from cases.registry.services import filing_assessment_held

    filing_assessment_held(filing=plan.filing, held_on=plan.assessment_date)
