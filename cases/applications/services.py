"""The applicant's side: drafting, the pre-submission check, submitting and withdrawing."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.common.locking import locked
from cases.common.numbering import next_number
from cases.common.services import transition
from cases.common.steps import run_task_step
from cases.common.uploads import check_upload
from cases.documents import services as documents
from cases.models import ApplicationState as S
from cases.models import (
    Attachment,
    Deficiency,
    Filing,
    FilingApplication,
    FilingScope,
    NoticeObjection,
    RosterMember,
    ScopeItem,
    SkillLevel,
)
from cases.registry.selectors import refiling_ban_of
from workflow import notifications as notify
from workflow.calendar import due_date
from workflow.flows.filing import FilingFlow
from workflow.services import flow_cancel, flow_start, waiting_step_answer


def _editable(application: FilingApplication) -> FilingApplication:
    application = locked(application)
    if not application.is_editable_by_applicant:
        raise ValidationError(_("The application can only be changed while it is a draft or returned for supplement."))
    return application


@transaction.atomic
def application_create(*, organisation, actor) -> FilingApplication:
    """Open a new draft for the actor's organisation (refused during a re-filing ban)."""
    ban = refiling_ban_of(organisation=organisation, today=timezone.localdate())
    if ban is not None:
        raise ValidationError(_ban_message(ban))
    application = FilingApplication.objects.create(
        number=next_number(name="application", pattern_setting="APPLICATION_NUMBER_PATTERN"),
        organisation=organisation,
        created_by=actor,
    )
    audit_record(actor=actor, action="application.created", obj=application, to_state=application.state, public=True)
    return application


@transaction.atomic
def application_update(*, application, actor, target_populations: list[str]) -> FilingApplication:
    application = _editable(application)
    application.target_populations = list(target_populations)
    application.save(update_fields=["target_populations"])
    return application


@transaction.atomic
def child_save(*, application, actor, child):
    """Add or change a scope row, roster member or venue of an editable application, fully validated."""
    _editable(application)
    child.application = application
    child.full_clean()
    child.save()
    return child


@transaction.atomic
def child_delete(*, application, actor, child) -> None:
    """Remove a scope row, roster member, venue or attachment from an editable application."""
    _editable(application)
    child.delete()


@transaction.atomic
def attachment_add(*, application, actor, kind: str, uploaded) -> Attachment:
    """Store an upload after checking its content and size."""
    _editable(application)
    content_type, sha256 = check_upload(uploaded)
    attachment = Attachment(
        application=application,
        kind=kind,
        original_name=uploaded.name[:200],
        content_type=content_type,
        size=uploaded.size,
        sha256=sha256,
        uploaded_by=actor,
    )
    attachment.file.save(f"{sha256[:16]}-{uploaded.name[-80:]}", uploaded, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="application.attachment_added",
        obj=application,
        data={"kind": kind, "sha256": sha256, "name": attachment.original_name},
    )
    return attachment


def _ban_message(ban) -> str:
    return _(
        "Re-filing ban: the filing %(number)s of this organisation was revoked on %(revoked)s; "
        "a new application can be submitted from %(until)s."
    ) % {"number": ban.number, "revoked": ban.status_changed_on, "until": ban.banned_until}


def application_problems(application: FilingApplication) -> list[str]:
    """Every missing or invalid item, named, that blocks submission (pre-submission check)."""
    problems = []
    ban = refiling_ban_of(organisation=application.organisation, today=timezone.localdate())
    if ban is not None:  # a revoked body may not file again for two years
        problems.append(_ban_message(ban))
    scope = list(application.scope_items.select_related("occupation"))
    roster = list(application.roster.all())
    if not scope:
        problems.append(_("Scope: add at least one occupation."))
    for item in scope:
        problems += _scope_item_problems(item, roster)
    if not application.target_populations:
        problems.append(_("Target populations: choose at least one."))
    if not any(member.role == RosterMember.Role.SUPERVISOR for member in roster):
        problems.append(_("Roster: add at least one internal supervisor."))
    if not application.venues.exists():
        problems.append(_("Venues: add at least one assessment venue."))
    present = set(application.attachments.values_list("kind", flat=True))
    for kind in Attachment.REQUIRED:
        if kind not in present:
            problems.append(_("Attachments: %(kind)s is missing.") % {"kind": Attachment.Kind(kind).label})
    return problems


def _scope_item_problems(item: ScopeItem, roster: list[RosterMember]) -> list[str]:
    name = str(item.occupation)
    problems = []
    invalid = [level for level in item.levels if level not in item.occupation.levels]
    if not item.levels:
        problems.append(_("Scope %(occupation)s: choose at least one level.") % {"occupation": name})
    for level in invalid:
        problems.append(
            _("Scope %(occupation)s: the occupation has no level %(level)s.")
            % {"occupation": name, "level": SkillLevel(level).label if level in SkillLevel.values else level}
        )
    if not item.methods:
        problems.append(_("Scope %(occupation)s: choose at least one evaluation method.") % {"occupation": name})
    examiners = [m for m in roster if m.role == RosterMember.Role.EXAMINER and m.occupation_id == item.occupation_id]
    if not examiners:
        problems.append(_("Roster: no examiner for %(occupation)s.") % {"occupation": name})
    return problems


def _case_lock(application):
    """The lock to take first: the process row of a case whose flow has started (the one lock order),
    else a plain transaction."""
    process_id = FilingApplication.objects.filter(pk=application.pk).values_list("process_id", flat=True).get()
    return FilingFlow.lock(process_id) if process_id else transaction.atomic()


def application_submit(*, application, actor) -> FilingApplication:
    """Submit a complete draft, or resubmit after supplement; starts or resumes the flow."""
    with _case_lock(application):
        application = _editable(application)
        problems = application_problems(application)
        if problems:
            raise ValidationError(problems)
        resubmission = application.state == S.RETURNED
        application.submitted_at = timezone.now()
        transition(
            application, actor, "submit", fields=["submitted_at"], public=True, data={"resubmission": resubmission}
        )
        if resubmission:
            waiting_step_answer(subject=application, node=FilingFlow.supplement, actor=actor)
        else:
            flow_start(FilingFlow, subject=application)
    return application


def application_withdraw(*, application, actor) -> FilingApplication:
    """Withdraw a draft, submitted or returned application; its open tasks go."""
    with _case_lock(application):
        application = locked(application)
        if application.state not in {S.DRAFT, S.SUBMITTED, S.RETURNED}:
            raise ValidationError(_("Only a draft, submitted or returned application can be withdrawn."))
        transition(application, actor, "withdraw", public=True)
        if application.process_id:
            flow_cancel(FilingFlow, subject=application, actor=actor)
    return application


# Completeness review (clerk)


def application_accept(*, application, actor) -> FilingApplication:
    """Accept a complete application; an acceptance notice is issued."""

    def work(app):
        app.accepted_at, app.accepted_by = timezone.now(), actor
        transition(app, actor, "accept", fields=["accepted_at", "accepted_by"], public=True)
        documents.acceptance_notice(application=app, actor=actor)
        notify.notify_application_accepted(application=app)

    return run_task_step(subject=application, actor=actor, step=FilingFlow.review, work=work)


def application_return(*, application, actor, deficiencies: list[str]) -> FilingApplication:
    """Return for supplement with itemised deficiencies; the regulator's clock pauses."""
    items = [item.strip() for item in deficiencies if item.strip()]
    if not items:
        raise ValidationError(_("Name at least one deficiency for the applicant to fix."))

    def work(app):
        round_no = (app.deficiencies.order_by("-round").values_list("round", flat=True).first() or 0) + 1
        Deficiency.objects.bulk_create(
            Deficiency(application=app, round=round_no, text=t, created_by=actor) for t in items
        )
        transition(app, actor, "return_for_supplement", public=True, data={"deficiencies": items})
        documents.supplement_notice(application=app, actor=actor, deficiencies=items)
        supplement_due = due_date(timezone.localdate(), "supplement")  # the supplement task's own due date
        notify.notify_application_returned(application=app, round_no=round_no, due_on=supplement_due)

    return run_task_step(subject=application, actor=actor, step=FilingFlow.review, work=work)


def application_reject_ineligible(*, application, actor, reasons: str) -> FilingApplication:
    """Reject at review because the applicant is not eligible."""
    if not reasons.strip():
        raise ValidationError(_("Give the reasons for the rejection."))

    def work(app):
        app.rejection_reasons = reasons.strip()
        transition(app, actor, "reject", fields=["rejection_reasons"], public=True, data={"stage": "review"})
        documents.rejection_notice(application=app, actor=actor)
        notify.notify_application_decided(application=app, outcome=notify.REJECTED)

    return run_task_step(subject=application, actor=actor, step=FilingFlow.review, work=work)


# Decision, public notice and registration (approver)

APPROVE, REJECT, REINSPECT = "approve", "reject", "reinspect"
DECIDED = ["decided_at", "decided_by", "decision_reasons"]


def application_decide(*, application, actor, decision: str, reasons: str = "") -> FilingApplication:
    """Approve (public notice starts), reject with reasons, or send back to inspection."""
    if application.accepted_by_id == actor.pk:
        raise PermissionDenied(_("The clerk who accepted a case cannot decide it."))
    if decision in {REJECT, REINSPECT} and not reasons.strip():
        raise ValidationError(_("Give the reasons for this decision."))

    def work(app):
        app.decided_at, app.decided_by, app.decision_reasons = timezone.now(), actor, reasons.strip()
        if decision == APPROVE:
            app.notice_starts = timezone.localdate()
            app.notice_ends = due_date(app.notice_starts, "notice")
            transition(app, actor, "approve", fields=[*DECIDED, "notice_starts", "notice_ends"], public=True)
        elif decision == REJECT:
            transition(app, actor, "reject", fields=DECIDED, public=True, data={"stage": "decision"})
        elif decision == REINSPECT:
            transition(app, actor, "reinspect", fields=DECIDED, public=True)
        else:
            raise ValidationError(_("Unknown decision."))
        documents.decision(application=app, actor=actor, decision=decision)
        if decision in {APPROVE, REJECT}:
            outcome = notify.APPROVED if decision == APPROVE else notify.REJECTED
            notify.notify_application_decided(application=app, outcome=outcome)

    return run_task_step(subject=application, actor=actor, step=FilingFlow.decide, work=work)


@transaction.atomic
def _require_approver(actor) -> None:
    """Objections to a public notice are the approver's to record and resolve (the step names that role)."""
    if not actor.has_perm(FilingFlow.notice._owner_permission):
        raise PermissionDenied(_("Only the approver may record or resolve objections to a public notice."))


def objection_record(*, application, actor, raised_by: str, content: str) -> NoticeObjection:
    """Record an objection raised during the public notice; registration waits until it is resolved."""
    _require_approver(actor)
    application = locked(application)
    if application.state != S.ON_NOTICE:
        raise ValidationError(_("Objections can only be recorded during the public notice."))
    objection = NoticeObjection.objects.create(
        application=application, raised_by=raised_by, content=content, recorded_by=actor
    )
    audit_record(actor=actor, action="notice.objection_recorded", obj=application, data={"objection": objection.pk})
    return objection


@transaction.atomic
def objection_resolve(*, objection, actor, resolution: str) -> NoticeObjection:
    """Answer an objection with the reasons of its resolution."""
    _require_approver(actor)
    objection = NoticeObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.resolved_at:
        raise ValidationError(_("This objection has already been resolved."))
    if not resolution.strip():
        raise ValidationError(_("Describe how the objection was resolved."))
    objection.resolution, objection.resolved_at = resolution.strip(), timezone.now()
    objection.save(update_fields=["resolution", "resolved_at"])
    audit_record(
        actor=actor, action="notice.objection_resolved", obj=objection.application, data={"objection": objection.pk}
    )
    return objection


def application_register(*, application, actor, today: date | None = None) -> Filing:
    """After the notice period with every objection resolved, enter the body in the registry."""
    today = today or timezone.localdate()
    if application.notice_ends and today < application.notice_ends:
        raise ValidationError(
            _("The public notice runs until %(date)s.") % {"date": application.notice_ends.isoformat()}
        )
    if application.objections.filter(resolved_at__isnull=True).exists():
        raise ValidationError(_("Resolve every objection before registration."))
    result = {}

    def work(app):
        result["filing"] = _create_filing(app, actor, today)
        transition(app, actor, "register", public=True, data={"filing": result["filing"].number})
        documents.filing_certificate(filing=result["filing"], actor=actor)
        notify.notify_application_decided(application=app, outcome=notify.FILED, filing_number=result["filing"].number)

    run_task_step(subject=application, actor=actor, step=FilingFlow.notice, work=work)
    return result["filing"]


def _create_filing(app, actor, today: date) -> Filing:
    filing = Filing.objects.create(
        number=next_number(name="filing", pattern_setting="FILING_NUMBER_PATTERN"),
        organisation=app.organisation,
        application=app,
        valid_from=today,
        valid_until=today + relativedelta(years=settings.FILING_VALIDITY_YEARS, days=-1),
        registered_by=actor,
    )
    FilingScope.objects.bulk_create(
        FilingScope(filing=filing, occupation_id=item.occupation_id, levels=item.levels, methods=item.methods)
        for item in app.scope_items.all()
    )
    audit_record(actor=actor, action="filing.registered", obj=filing, to_state=filing.status, public=True)
    return filing
