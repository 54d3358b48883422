"""The applicant's side: drafting, the pre-submission check, submitting and withdrawing."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audits.services import audit_record
from cases.applications import changes
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
    SupplementRound,
)
from cases.registry.selectors import refiling_ban_of
from workflow import notifications as notify
from workflow.calendar import add_working_days, due_date, step_limit
from workflow.flows.filing import FilingFlow
from workflow.models import TaskDeadline
from workflow.services import flow_cancel, flow_start, waiting_step_answer
from workflow.todo import work_item_sync


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


# The sections' rows as the timeline names them.
SECTIONS = {"scopeitem": "scope", "rostermember": "roster", "venue": "venue", "attachment": "attachment"}


def _change_recorded(application, actor, action: str, data: dict, *, always: bool = False) -> None:
    """Every change of a returned application is on its timeline (the applicant sees it too); a draft's are not."""
    if always or application.state == S.RETURNED:
        audit_record(actor=actor, action=action, obj=application, public=True, data=data)


@transaction.atomic
def application_update(*, application, actor, target_populations: list[str]) -> FilingApplication:
    application = _editable(application)
    before = list(application.target_populations)
    application.target_populations = list(target_populations)
    application.save(update_fields=["target_populations"])
    if sorted(before) != sorted(application.target_populations):
        _change_recorded(
            application,
            actor,
            "application.populations_changed",
            {"before": before, "after": application.target_populations},
        )
    return application


@transaction.atomic
def child_save(*, application, actor, child):
    """Add or change a scope row, roster member or venue of an editable application, fully validated."""
    application = _editable(application)
    adding = child.pk is None
    if not adding and not type(child).objects.filter(pk=child.pk, application=application).exists():
        raise ValidationError(_("This row belongs to another application."))
    child.application = application
    child.full_clean()
    child.save()
    _change_recorded(
        application,
        actor,
        "application.row_added" if adding else "application.row_changed",
        {"section": SECTIONS[child._meta.model_name], "row": str(child)},
    )
    return child


@transaction.atomic
def child_delete(*, application, actor, child) -> None:
    """Remove a scope row, roster member, venue or attachment from an editable application."""
    application = _editable(application)
    section = SECTIONS[child._meta.model_name]
    data = {"section": section, "row": str(child)}
    if section == "attachment":
        data.update(kind=child.kind, sha256=child.sha256)
    child.delete()
    _change_recorded(application, actor, f"application.{section}_removed", data, always=section == "attachment")


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


def unanswered_deficiencies(application) -> list[Deficiency]:
    """The deficiencies of the current supplement round the applicant has not answered yet."""
    return list(application.deficiencies.filter(status=Deficiency.Status.OPEN).order_by("round", "id"))


def application_submit(*, application, actor) -> FilingApplication:
    """Submit a complete draft, or resubmit after supplement (every deficiency answered); starts or resumes the flow.

    A resubmission goes back to the clerk who returned it, if they still hold the role. Each submission issues a
    submission receipt (提交回执) for the applicant, rendered after commit.
    """
    with _case_lock(application):
        application = _editable(application)
        problems = application_problems(application)
        resubmission = application.state == S.RETURNED
        if resubmission:
            unanswered = unanswered_deficiencies(application)
            if unanswered:
                problems.append(
                    _("Answer every deficiency before resubmitting (not answered: %(items)s).")
                    % {"items": "; ".join(d.text for d in unanswered)}
                )
        if problems:
            raise ValidationError(problems)
        application.submitted_at = timezone.now()
        round_no = _current_round(application) if resubmission else 0
        transition(
            application,
            actor,
            "submit",
            fields=["submitted_at"],
            public=True,
            data={"resubmission": resubmission, "round": round_no},
        )
        if resubmission:
            SupplementRound.objects.filter(application=application, round=round_no).update(
                resubmitted_at=application.submitted_at
            )
            waiting_step_answer(subject=application, node=FilingFlow.supplement, actor=actor)
            _review_back_to_clerk(application, round_no)
        else:
            flow_start(FilingFlow, subject=application)
        documents.submission_receipt(application=application, actor=actor, defer=True)
    return application


def _current_round(application) -> int:
    return application.deficiencies.order_by("-round").values_list("round", flat=True).first() or 0


def _review_back_to_clerk(application, round_no: int) -> None:
    """The review of a resubmission goes to the inbox of the clerk who returned it (still holding the role)."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    supplement_round = SupplementRound.objects.select_related("returned_by").filter(
        application=application, round=round_no
    )
    clerk = supplement_round.first().returned_by if supplement_round.exists() else None
    task = Task.objects.filter(
        process_id=application.process_id, flow_task=FilingFlow.review, status=STATUS.NEW
    ).first()
    if clerk is None or task is None or not clerk.is_active or not clerk.has_perm(task.owner_permission or "-"):
        return
    task.flow_task.activation_class(task).assign(clerk)
    work_item_sync(task)
    audit_record(
        actor=None,
        action="task.assigned",
        obj=task,
        data={"step": task.flow_task.name, "to": str(clerk), "resubmission": round_no},
    )
    notify.notify_task_assigned(task=task)


def resubmission_round(application) -> int:
    """N when the application is in review after its N-th return for supplement, else 0."""
    last = application.supplement_rounds.order_by("-round").first()
    return last.round if last and last.resubmitted_at and application.state == S.SUBMITTED else 0


@transaction.atomic
def deficiency_answer(*, deficiency, actor, reply: str, uploaded=None) -> Deficiency:
    """The applicant answers one deficiency of a returned application: what was done and, where the item asks for
    a document, the new attachment (it replaces the attachments of that kind)."""
    application = _editable(deficiency.application)
    if not application.organisation.has_member(actor):
        raise PermissionDenied(_("Only the applicant can answer the deficiencies."))
    deficiency = Deficiency.objects.select_for_update().get(pk=deficiency.pk, application=application)
    if application.state != S.RETURNED or deficiency.round != _current_round(application):
        raise ValidationError(_("Only the deficiencies of the current return can be answered."))
    if not deficiency.is_outstanding:
        raise ValidationError(_("This deficiency has already been checked by the bureau."))
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError(_("Say what was done about this deficiency."))
    if deficiency.attachment_kind and uploaded is None and deficiency.reply_attachment_id is None:
        raise ValidationError(
            _("This deficiency asks for a new document: attach the %(kind)s.")
            % {"kind": Attachment.Kind(deficiency.attachment_kind).label}
        )
    if uploaded is not None:
        kind = deficiency.attachment_kind or Attachment.Kind.OTHER
        replaced = list(application.attachments.filter(kind=kind)) if deficiency.attachment_kind else []
        attachment = attachment_add(application=application, actor=actor, kind=kind, uploaded=uploaded)
        for old in replaced:
            child_delete(application=application, actor=actor, child=old)
        deficiency.reply_attachment = attachment
    deficiency.reply, deficiency.status = reply, Deficiency.Status.ANSWERED
    deficiency.answered_at, deficiency.answered_by = timezone.now(), actor
    deficiency.save(update_fields=["reply", "reply_attachment", "status", "answered_at", "answered_by"])
    audit_record(
        actor=actor,
        action="application.deficiency_answered",
        obj=application,
        public=True,
        data={"deficiency": deficiency.pk, "round": deficiency.round, "text": deficiency.text},
    )
    return deficiency


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


def _check_earlier_round(app, *, raised_items: set[str], raise_again: set[int]) -> None:
    """The review after a resubmission: each answered deficiency is supplemented (已补正), or raised again when the
    clerk names it (or its checklist item) among the new round's deficiencies."""
    now, review_round = timezone.now(), _current_round(app)
    for deficiency in app.deficiencies.select_for_update().filter(status__in=Deficiency.OUTSTANDING):
        again = deficiency.pk in raise_again or (deficiency.item and deficiency.item in raised_items)
        deficiency.status = Deficiency.Status.RAISED_AGAIN if again else Deficiency.Status.RESOLVED
        deficiency.resolved_round, deficiency.resolved_at = review_round, now
        deficiency.save(update_fields=["status", "resolved_round", "resolved_at"])


def application_accept(*, application, actor) -> FilingApplication:
    """Accept a complete application; every deficiency answered is supplemented; an acceptance notice is issued."""

    def work(app):
        _check_earlier_round(app, raised_items=set(), raise_again=set())
        app.accepted_at, app.accepted_by = timezone.now(), actor
        transition(app, actor, "accept", fields=["accepted_at", "accepted_by"], public=True)
        documents.acceptance_notice(application=app, actor=actor, defer=True)
        notify.notify_application_accepted(application=app)

    return run_task_step(subject=application, actor=actor, step=FilingFlow.review, work=work)


def _deficiency_items(deficiencies) -> list[dict]:
    """Each deficiency as {text, item, attachment_kind}; plain strings are free-text deficiencies."""
    items = []
    for entry in deficiencies:
        entry = {"text": entry} if isinstance(entry, str) else dict(entry)
        text = (entry.get("text") or "").strip()[:300]
        if text:
            kind = entry.get("attachment_kind") or ""
            if kind and kind not in Attachment.Kind.values:
                raise ValidationError(_("Unknown kind of document."))
            items.append({"text": text, "item": entry.get("item") or "", "attachment_kind": kind})
    return items


def application_return(*, application, actor, deficiencies: list, raise_again: list[int] = ()) -> FilingApplication:
    """Return for supplement with itemised deficiencies; the regulator's clock pauses.

    `deficiencies`: texts, or {text, item, attachment_kind} from the clerk's checklist. `raise_again`: answered
    deficiencies of the last round that are not resolved; the others count as supplemented. What the application
    holds now is kept, so that the review of the resubmission shows what changed.
    """
    items = _deficiency_items(deficiencies)
    if not items:
        raise ValidationError(_("Name at least one deficiency for the applicant to fix."))

    def work(app):
        _check_earlier_round(app, raised_items={i["item"] for i in items if i["item"]}, raise_again=set(raise_again))
        round_no = _current_round(app) + 1
        Deficiency.objects.bulk_create(
            Deficiency(application=app, round=round_no, created_by=actor, **i) for i in items
        )
        SupplementRound.objects.create(
            application=app, round=round_no, returned_by=actor, snapshot=changes.snapshot(app)
        )
        items_text = [i["text"] for i in items]
        transition(
            app, actor, "return_for_supplement", public=True, data={"deficiencies": items_text, "round": round_no}
        )
        documents.supplement_notice(application=app, actor=actor, deficiencies=items_text, defer=True)
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
        documents.rejection_notice(application=app, actor=actor, defer=True)
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
        documents.decision(application=app, actor=actor, decision=decision, defer=True)
        if decision in {APPROVE, REJECT}:
            outcome = notify.APPROVED if decision == APPROVE else notify.REJECTED
            notify.notify_application_decided(application=app, outcome=outcome)

    with transaction.atomic():
        application = run_task_step(subject=application, actor=actor, step=FilingFlow.decide, work=work)
        if application.state == S.ON_NOTICE:
            _notice_task_due_after_period(application)
    return application


def registration_opens_on(application) -> date | None:
    """The first working day after the public notice: registration is possible from then (and due then)."""
    return add_working_days(application.notice_ends, 1) if application.notice_ends else None


def _notice_task_due_after_period(application) -> None:
    """The notice task is due once the period is over, not on its last day (called holding the process lock)."""
    from viewflow.workflow.models import Task

    task = Task.objects.filter(process_id=application.process_id, flow_task=FilingFlow.notice).order_by("-pk").first()
    if task is None:
        return
    TaskDeadline.objects.filter(task=task).update(due_on=registration_opens_on(application))
    task.refresh_from_db()
    work_item_sync(task)


def _require_approver(actor) -> None:
    """Objections to a public notice are the approver's to record and resolve (the step names that role)."""
    if not actor.has_perm(FilingFlow.notice._owner_permission):
        raise PermissionDenied(_("Only the approver may record or resolve objections to a public notice."))


@transaction.atomic
def objection_record(*, application, actor, raised_by: str, content: str, contact: str = "") -> NoticeObjection:
    """Record an objection raised during the public notice; registration waits until it is resolved."""
    _require_approver(actor)
    application = locked(application)
    if application.state != S.ON_NOTICE:
        raise ValidationError(_("Objections can only be recorded during the public notice."))
    if not raised_by.strip() or not content.strip():
        raise ValidationError(_("Say who raised the objection and what it says."))
    objection = NoticeObjection.objects.create(
        application=application,
        raised_by=raised_by.strip(),
        contact=contact.strip(),
        content=content.strip(),
        recorded_by=actor,
    )
    audit_record(actor=actor, action="notice.objection_recorded", obj=application, data={"objection": objection.pk})
    return objection


def notice_is_open(application, today: date | None = None) -> bool:
    """Whether the public notice runs today (objections are taken from its first to its last day)."""
    today = today or timezone.localdate()
    return (
        application.state == S.ON_NOTICE
        and application.notice_starts is not None
        and application.notice_starts <= today <= application.notice_ends
    )


@transaction.atomic
def objection_submit(
    *, application, raised_by: str, contact: str, content: str, evidence=None, today: date | None = None
) -> NoticeObjection:
    """Anyone objects online during the notice (/notices/); it lands on the approver's case as an open objection.

    The optional evidence is checked by content like every upload. There is no signed-in actor.
    """
    raised_by, contact, content = (raised_by or "").strip(), (contact or "").strip(), (content or "").strip()
    if not raised_by or not contact or not content:
        raise ValidationError(_("Give your name, how to reach you and the grounds of the objection."))
    checked = check_upload(evidence) if evidence is not None else None
    application = locked(application)
    if not notice_is_open(application, today):
        raise ValidationError(_("This public notice is not open for objections."))
    objection = NoticeObjection(
        application=application,
        source=NoticeObjection.Source.ONLINE,
        raised_by=raised_by[:100],
        contact=contact[:100],
        content=content,
    )
    if checked is not None:
        content_type, sha256 = checked
        objection.evidence_name, objection.evidence_content_type = evidence.name[:200], content_type
        objection.evidence_sha256 = sha256
        objection.evidence.save(f"{sha256[:16]}-{evidence.name[-80:]}", evidence, save=False)
    objection.save()
    audit_record(
        actor=None,
        action="notice.objection_submitted",
        obj=application,
        data={"objection": objection.pk, "evidence": objection.evidence_sha256},
    )
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
    objection.resolution, objection.resolved_at, objection.resolved_by = resolution.strip(), timezone.now(), actor
    objection.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    audit_record(
        actor=actor, action="notice.objection_resolved", obj=objection.application, data={"objection": objection.pk}
    )
    return objection


def application_register(*, application, actor, today: date | None = None) -> Filing:
    """After the notice period with every objection resolved, enter the body in the registry."""
    today = today or timezone.localdate()
    application = FilingApplication.objects.get(pk=application.pk)
    if application.notice_ends is None or today <= application.notice_ends:
        raise ValidationError(
            _(
                "The public notice runs until %(end)s (%(days)d working days); the body can be registered "
                "from %(opens)s, once the notice is over."
            )
            % {
                "end": application.notice_ends.isoformat() if application.notice_ends else "—",
                "days": step_limit("notice"),
                "opens": registration_opens_on(application).isoformat() if application.notice_ends else "—",
            }
        )
    unresolved = application.objections.filter(resolved_at__isnull=True).count()
    if unresolved:
        raise ValidationError(
            ngettext(
                "%(count)d objection is still open: answer it with the reasons of its resolution before registration.",
                "%(count)d objections are still open: answer each with the reasons of its resolution before "
                "registration.",
                unresolved,
            )
            % {"count": unresolved}
        )
    result = {}

    def work(app):
        result["filing"] = _create_filing(app, actor, today)
        transition(app, actor, "register", public=True, data={"filing": result["filing"].number})
        documents.filing_certificate(filing=result["filing"], actor=actor, defer=True)
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
