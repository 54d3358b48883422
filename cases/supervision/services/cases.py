"""Supervision of filed bodies (监督管理): random campaigns and their replayable draw, complaints, the
steps of a supervision case (inspection, findings, rectification, verification, sanction), annual
reports and the periodic sweep that opens cases for late reports, anomalies and inactivity.

Services follow STYLE.md: keyword-only arguments with an actor, one transaction, locks on what they
change, the fsm transition and the audit event in that same transaction."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.common.locking import locked
from cases.common.numbering import next_number
from cases.common.services import transition
from cases.common.steps import run_task_step
from cases.common.uploads import check_upload
from cases.documents.rendering import document_issue
from cases.documents.services import document_render_on_commit
from cases.models import (
    AnnualReport,
    CaseState,
    Complaint,
    EvaluationMethod,
    Filing,
    FilingScope,
    RectificationEvidence,
    RectificationItem,
    RectificationOrder,
    Sanction,
    SkillLevel,
    SupervisionCampaign,
    SupervisionCase,
)
from cases.models.documents import GeneratedDocument
from cases.registry import services as registry
from workflow import roles
from workflow.calendar import add_working_days
from workflow.flows.supervision import SupervisionFlow
from workflow.notifications import notify_rectification_ordered, notify_supervision_opened, notify_team_assigned
from workflow.services import flow_start, waiting_step_answer

Trigger = SupervisionCase.Trigger


Order = RectificationOrder.Status


Measure = Sanction.Measure


CASE_NUMBER_PATTERN = "京技监{year}{seq:05d}"


MAX_RECTIFICATION_DAYS = 60


DEFAULT_RECTIFICATION_DAYS = 15


MAX_EVIDENCE_FILES = 10


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


SUPERVISE_PERMISSION = "cases.supervise_filings"


def _require_supervisor(actor) -> None:
    """Opening cases and running campaigns is the supervisor's (actor None: the periodic sweep)."""
    if actor is not None and not actor.has_perm(SUPERVISE_PERMISSION):
        raise PermissionDenied(_("Only a supervisor may do this."))


# Opening cases


@transaction.atomic
def case_open(
    *,
    filing: Filing,
    trigger: str,
    summary: str,
    actor,
    campaign: SupervisionCampaign | None = None,
    annual_report: AnnualReport | None = None,
    trigger_key: str = "",
    team: list | None = None,
) -> SupervisionCase:
    """Open a supervision case about a filed body and start its flow (first task: plan the inspection)."""
    _require_supervisor(actor)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError(_("Say why the case is opened."))
    filing = Filing.objects.select_for_update().select_related("organisation").get(pk=filing.pk)
    if filing.status not in Filing.OPEN_STATUSES:
        raise ValidationError(
            registry.closed_filing_message(filing)
            + " "
            + _("Supervision cases are opened for active or suspended bodies only.")
        )
    case = SupervisionCase.objects.create(
        number=next_number(
            name="supervision_case", pattern_setting="SUPERVISION_CASE_NUMBER_PATTERN", default=CASE_NUMBER_PATTERN
        ),
        filing=filing,
        trigger=trigger,
        trigger_key=trigger_key,
        campaign=campaign,
        annual_report=annual_report,
        summary=summary,
        opened_by=actor,
        leader=team[0] if team else None,
    )
    if team:
        case.inspectors.set(team)
    audit_record(
        actor=actor,
        action="supervision.opened",
        obj=case,
        to_state=case.state,
        data={"filing": filing.number, "trigger": trigger, "campaign": campaign.number if campaign else ""},
    )
    flow_start(SupervisionFlow, subject=case)
    notify_supervision_opened(case=case, url=_body_case_url(case))
    if team:
        notify_team_assigned(case=case, members=team[1:], url=reverse("supervision:case", args=[case.pk]))
    return case


def case_team_assign(*, case: SupervisionCase, team: list) -> None:
    """The drawn team (leader first) becomes the case's team and is told (inside the caller's transaction)."""
    case.leader = team[0]
    case.save(update_fields=["leader"])
    case.inspectors.set(team)
    notify_team_assigned(case=case, members=team[1:], url=reverse("supervision:case", args=[case.pk]))


def complaint_record(
    *,
    filing: Filing,
    actor,
    source: str,
    content: str,
    received_on: date,
    complainant: str = "",
    contact: str = "",
) -> Complaint:
    """Record a complaint about a filed body; it opens a supervision case."""
    _require_supervisor(actor)
    content = (content or "").strip()
    if not content:
        raise ValidationError(_("Record what the complaint says."))
    if source not in Complaint.Source.values:
        raise ValidationError(_("Choose where the complaint came from."))
    if received_on > timezone.localdate():
        raise ValidationError(_("The date received cannot be in the future."))
    with transaction.atomic():
        case = case_open(
            filing=filing,
            trigger=Trigger.COMPLAINT,
            summary=_("Complaint (%(source)s): %(content)s")
            % {"source": Complaint.Source(source).label, "content": content},
            actor=actor,
        )
        complaint = Complaint.objects.create(
            filing=filing,
            source=source,
            complainant=complainant.strip(),
            contact=contact.strip(),
            content=content,
            received_on=received_on,
            recorded_by=actor,
            case=case,
        )
        audit_record(actor=actor, action="complaint.recorded", obj=complaint, data={"case": case.number})
    return complaint


# The steps of a case (tasks of SupervisionFlow)


def _run_step(*, case: SupervisionCase, actor, step, work) -> SupervisionCase:
    return run_task_step(subject=case, actor=actor, step=step, work=work, organisation=lambda c: c.filing.organisation)


CLOSING = ["outcome", "closing_note", "closed_at", "closed_by"]


def _close(case: SupervisionCase, actor, *, outcome: str, note: str, method: str = "close") -> None:
    case.outcome, case.closing_note = outcome, note
    case.closed_at, case.closed_by = timezone.now(), actor
    transition(case, actor, method, fields=CLOSING, public=True, data={"outcome": outcome, "note": note})


def case_plan_inspection(
    *, case: SupervisionCase, actor, inspection_date: date, leader=None, members: Iterable = ()
) -> SupervisionCase:
    """Date the inspection; the team is the campaign's draw, or chosen here (at least two)."""
    if inspection_date < timezone.localdate():
        raise ValidationError(_("The inspection date cannot be in the past."))
    drawn = case.campaign_id is not None
    if not drawn:
        if leader is None:
            raise ValidationError(_("Choose the team leader."))
        team = [leader, *[member for member in members if member != leader]]
        if len(team) < 2:
            raise ValidationError(_("An inspection team needs at least two inspectors."))
        if any(not roles.has_role(user, roles.INSPECTOR) for user in team):
            raise ValidationError(_("Only inspectors can be on an inspection team."))
        if case.filing.organisation.members.filter(pk__in=[user.pk for user in team]).exists():
            raise ValidationError(_("A member of the supervised organisation cannot inspect it."))

    def work(locked):
        locked.inspection_date = inspection_date
        if not drawn:
            locked.leader = team[0]
            locked.inspectors.set(team)
        members = [user for user in locked.inspectors.all() if user.pk != locked.leader_id]
        notify_team_assigned(case=locked, members=members, url=reverse("supervision:case", args=[locked.pk]))
        changed = ["inspection_date"] if drawn else ["inspection_date", "leader"]
        transition(locked, actor, "plan_inspection", fields=changed, data={"date": inspection_date})

    return _run_step(case=case, actor=actor, step=SupervisionFlow.plan, work=work)


def case_dismiss(*, case: SupervisionCase, actor, reason: str) -> SupervisionCase:
    """Close a case without inspection (a complaint without grounds, a duplicate)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for closing the case without inspection."))
    if case.campaign_id:
        raise ValidationError(_("A body drawn in a random campaign must be inspected; the case cannot be dismissed."))

    def work(locked):
        _close(locked, actor, outcome=SupervisionCase.Outcome.DISMISSED, note=reason, method="dismiss")

    return _run_step(case=case, actor=actor, step=SupervisionFlow.plan, work=work)


def _lines(items: Iterable[str]) -> list[str]:
    return [item.strip() for item in items if item and item.strip()]


def case_actual_date_record(
    *, case: SupervisionCase, actor, actual_date: date, reason: str, today: date | None = None
) -> SupervisionCase:
    """The team leader records the day the supervision inspection actually took place, with the reason."""
    from cases.inspections.services import actual_date_problem

    today = today or timezone.localdate()
    with SupervisionFlow.lock(case.process_id), transaction.atomic():
        case = locked(case)
        if case.leader_id != actor.pk:
            raise PermissionDenied(_("Only the team leader records the actual inspection date."))
        if case.state != CaseState.INSPECTING:
            raise ValidationError(_("The actual date is recorded while the inspection is under way."))
        problem = actual_date_problem(
            actual=actual_date,
            reason=reason,
            planned=case.inspection_date,
            earliest=timezone.localdate(case.opened_at),
            today=today,
        )
        if problem:
            raise ValidationError(problem)
        case.actual_inspection_date = None if actual_date == case.inspection_date else actual_date
        case.actual_date_reason = reason.strip() if case.actual_inspection_date else ""
        case.save(update_fields=["actual_inspection_date", "actual_date_reason"])
        audit_record(
            actor=actor,
            action="supervision.actual_date_recorded",
            obj=case,
            data={"planned": case.inspection_date, "actual": actual_date, "reason": reason},
        )
    return case


def case_record_findings(
    *, case: SupervisionCase, actor, conclusion: str, findings: Iterable[str] = (), summary: str = ""
) -> SupervisionCase:
    """The team leader records what the inspection found (not before the day of the inspection)."""
    from cases.inspections.services import date_problem

    findings = _lines(findings)
    if conclusion not in SupervisionCase.Conclusion.values:
        raise ValidationError(_("Choose a conclusion."))
    if conclusion == SupervisionCase.Conclusion.PROBLEMS and not findings:
        raise ValidationError(_("List each problem found, one per line."))

    def work(locked):
        too_early = date_problem(
            planned=locked.inspection_date, actual=locked.actual_inspection_date, today=timezone.localdate()
        )
        if too_early:
            raise ValidationError(too_early)
        locked.conclusion, locked.findings, locked.findings_summary = conclusion, findings, summary.strip()
        locked.findings_recorded_at = timezone.now()
        transition(
            locked,
            actor,
            "record_findings",
            fields=["conclusion", "findings", "findings_summary", "findings_recorded_at"],
            public=True,
            data={"conclusion": conclusion, "findings": findings},
        )

    return _run_step(case=case, actor=actor, step=SupervisionFlow.inspect, work=work)


CLOSE, RECTIFY, SANCTION = "close", "rectify", "sanction"


def _check_order(items: list[str], working_days: int | None) -> None:
    if not items:
        raise ValidationError(_("List what the body must rectify, one item per line."))
    if working_days is None or not 1 <= working_days <= MAX_RECTIFICATION_DAYS:
        raise ValidationError(
            _("The rectification period must be between 1 and %(max)d working days.") % {"max": MAX_RECTIFICATION_DAYS}
        )


def _issue_order(case: SupervisionCase, actor, items: list[str], working_days: int) -> RectificationOrder:
    today = timezone.localdate()
    order = RectificationOrder.objects.create(
        case=case,
        round=case.orders.count() + 1,
        working_days=working_days,
        deadline=add_working_days(today, working_days),
        issued_by=actor,
    )
    RectificationItem.objects.bulk_create(RectificationItem(order=order, text=text) for text in items)
    transition(
        case,
        actor,
        "order_rectification",
        public=True,
        data={"round": order.round, "deadline": order.deadline, "items": items},
    )
    rectification_notice(case=case, order=order, actor=actor)
    notify_rectification_ordered(order=order, url=_body_case_url(case))
    return order


def _body_case_url(case: SupervisionCase) -> str:
    try:
        return reverse("body:case", args=[case.pk])
    except NoReverseMatch:
        return ""


def case_decide(
    *,
    case: SupervisionCase,
    actor,
    decision: str,
    note: str = "",
    items: Iterable[str] = (),
    working_days: int | None = None,
) -> SupervisionCase:
    """On the findings: close, order rectification (items + deadline in working days), or go to sanction."""
    items, note = _lines(items), (note or "").strip()
    if decision == RECTIFY:
        _check_order(items, working_days)
    elif decision not in (CLOSE, SANCTION):
        raise ValidationError(_("Choose a decision."))

    def work(locked):
        if decision == CLOSE and locked.conclusion == SupervisionCase.Conclusion.PROBLEMS and not note:
            raise ValidationError(_("Problems were found: say why the case is closed without rectification."))
        if decision == CLOSE:
            _close(locked, actor, outcome=SupervisionCase.Outcome.NO_ACTION, note=note)
        elif decision == RECTIFY:
            _issue_order(locked, actor, items, working_days)
        else:
            transition(locked, actor, "start_sanction", public=True, data={"note": note})

    return _run_step(case=case, actor=actor, step=SupervisionFlow.decide, work=work)


def rectification_respond(
    *,
    order: RectificationOrder,
    actor,
    answers: dict,
    files: Iterable = (),
    comment: str = "",
    today: date | None = None,
) -> RectificationOrder:
    """The body answers each item of the order, with evidence, before the deadline."""
    today = today or timezone.localdate()
    case = SupervisionCase.objects.select_related("filing__organisation").get(pk=order.case_id)
    if not case.filing.organisation.has_member(actor):
        raise PermissionDenied(_("Only the supervised body can answer its rectification order."))
    files = list(files)
    if not files:
        raise ValidationError(_("Attach at least one file as evidence of the rectification."))
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError(_("Attach at most %(count)d files.") % {"count": MAX_EVIDENCE_FILES})
    checked = [(upload, *check_upload(upload)) for upload in files]
    with SupervisionFlow.lock(case.process_id), transaction.atomic():
        case = locked(case)
        order = RectificationOrder.objects.select_for_update().get(pk=order.pk, case=case)
        if order.status != Order.PENDING:
            raise ValidationError(
                _("This rectification order is no longer open (%(status)s).") % {"status": order.get_status_display()}
            )
        if today > order.deadline:
            raise ValidationError(
                _(
                    "The deadline for this rectification order was %(date)s; responses are no longer accepted. "
                    "Contact the supervising bureau."
                )
                % {"date": order.deadline.isoformat()}
            )
        items = list(order.items.all())
        missing = [str(index) for index, item in enumerate(items, 1) if not (answers.get(item.pk) or "").strip()]
        if missing:
            raise ValidationError(
                _("Say what was done for every item (missing: %(items)s).") % {"items": ", ".join(missing)}
            )
        for item in items:
            item.answer = answers[item.pk].strip()
        RectificationItem.objects.bulk_update(items, ["answer"])
        for upload, content_type, sha256 in checked:
            evidence = RectificationEvidence(
                order=order,
                original_name=upload.name[:200],
                content_type=content_type,
                size=upload.size,
                sha256=sha256,
                uploaded_by=actor,
            )
            evidence.file.save(f"{sha256[:16]}-{upload.name[-80:]}", upload, save=False)
            evidence.save()
        order.status, order.responded_by, order.responded_at = Order.RESPONDED, actor, timezone.now()
        order.response = (comment or "").strip()
        order.save(update_fields=["status", "responded_by", "responded_at", "response"])
        transition(
            case, actor, "respond", public=True, data={"round": order.round, "evidence": [c[2] for c in checked]}
        )
        waiting_step_answer(subject=case, node=SupervisionFlow.respond, actor=actor)
    return order


def rectification_lapse(*, order: RectificationOrder, actor=None, today: date | None = None) -> RectificationOrder:
    """The deadline passed without an answer: the case goes to the supervisor's verification."""
    today = today or timezone.localdate()
    with SupervisionFlow.lock(order.case.process_id), transaction.atomic():
        case = locked(order.case)
        order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
        if order.status != Order.PENDING:
            raise ValidationError(_("This rectification order is no longer open."))
        if today <= order.deadline:
            raise ValidationError(_("The body has until %(date)s to respond.") % {"date": order.deadline.isoformat()})
        order.status = Order.LAPSED
        order.save(update_fields=["status"])
        transition(case, actor, "lapse", public=True, data={"round": order.round, "deadline": order.deadline})
        waiting_step_answer(subject=case, node=SupervisionFlow.respond, actor=actor)
    return order


ACCEPT, REORDER = "accept", "reorder"


def rectification_verify(
    *,
    case: SupervisionCase,
    actor,
    decision: str,
    note: str = "",
    items: Iterable[str] = (),
    working_days: int | None = None,
) -> SupervisionCase:
    """Check the body's answer: accept it (close), order again with a new deadline, or sanction."""
    items, note = _lines(items), (note or "").strip()
    if decision == REORDER:
        _check_order(items, working_days)
    elif decision not in (ACCEPT, SANCTION):
        raise ValidationError(_("Choose a decision."))
    if decision != ACCEPT and not note:
        raise ValidationError(_("Say why the rectification is not accepted."))

    def work(locked):
        order = locked.orders.select_for_update().order_by("-round").first()
        if decision == ACCEPT and order.status == Order.LAPSED:
            raise ValidationError(
                _("The body did not respond by the deadline; order the rectification again or sanction.")
            )
        order.status = (
            Order.ACCEPTED if decision == ACCEPT else (order.status if order.status == Order.LAPSED else Order.REJECTED)
        )
        order.verified_by, order.verified_at, order.verification_note = actor, timezone.now(), note
        order.save(update_fields=["status", "verified_by", "verified_at", "verification_note"])
        if decision == ACCEPT:
            _close(locked, actor, outcome=SupervisionCase.Outcome.RECTIFIED, note=note)
        elif decision == REORDER:
            _issue_order(locked, actor, items, working_days)
        else:
            transition(locked, actor, "start_sanction", public=True, data={"note": note})

    return _run_step(case=case, actor=actor, step=SupervisionFlow.verify, work=work)


NO_SANCTION = "none"


def case_sanction(
    *, case: SupervisionCase, actor, measure: str, reasons: str, scopes: Iterable[FilingScope] = ()
) -> SupervisionCase:
    """Decide the sanction (suspend occupations, suspend the body, or revoke with a 2-year ban) and close.

    `measure="none"` closes the case without a sanction, with the reasons (say the body was revoked
    meanwhile by another case).
    """
    reasons, scopes = (reasons or "").strip(), list(scopes)
    if not reasons:
        raise ValidationError(_("Give the reasons for the decision; they are published."))
    if measure not in (*Measure.values, NO_SANCTION):
        raise ValidationError(_("Choose a measure."))
    if measure == Measure.SUSPEND_SCOPE and not scopes:
        raise ValidationError(_("Choose at least one occupation to suspend."))
    today = timezone.localdate()

    def work(locked):
        filing = locked.filing
        if measure == NO_SANCTION:
            _close(locked, actor, outcome=SupervisionCase.Outcome.NO_ACTION, note=reasons)
            return
        if measure == Measure.SUSPEND_SCOPE:
            registry.filing_scope_suspend(
                filing=filing, scopes=scopes, actor=actor, reason=reasons, case=locked, today=today
            )
        elif measure == Measure.SUSPEND_BODY:
            registry.filing_suspend(filing=filing, actor=actor, reason=reasons, case=locked, today=today)
        else:
            filing = registry.filing_revoke(filing=filing, actor=actor, reason=reasons, case=locked, today=today)
        sanction = Sanction.objects.create(
            case=locked,
            measure=measure,
            reasons=reasons,
            effective_on=today,
            banned_until=filing.banned_until if measure == Measure.REVOKE else None,
            decided_by=actor,
        )
        sanction.scopes.set(scopes if measure == Measure.SUSPEND_SCOPE else [])
        _close(locked, actor, outcome=SupervisionCase.Outcome.SANCTIONED, note=reasons, method="sanction")
        sanction_decision(case=locked, sanction=sanction, actor=actor)

    return _run_step(case=case, actor=actor, step=SupervisionFlow.sanction, work=work)


# Documents


def _scope_rows(rows) -> list[dict]:
    return [
        {
            "occupation": row.occupation.name,
            "code": row.occupation.code,
            "trade": row.occupation.trade,
            "levels": [SkillLevel(level).label for level in sorted(row.levels)],
            "methods": [EvaluationMethod(method).label for method in row.methods],
        }
        for row in rows
    ]


def rectification_notice(*, case: SupervisionCase, order: RectificationOrder, actor) -> GeneratedDocument:
    """整改通知书: the items, the deadline and how to answer; numbered now, rendered after commit."""
    document = document_issue(
        kind=GeneratedDocument.Kind.RECTIFICATION_NOTICE,
        target=case,
        template_name="documents/rectification_notice.html",
        context={
            "case": case,
            "filing": case.filing,
            "organisation": case.filing.organisation,
            "order": order,
            "items": [item.text for item in order.items.all()],
            "findings": case.findings,
            "issued_on": timezone.localdate(),
        },
        actor=actor,
    )
    document_render_on_commit(document)
    return document


def sanction_decision(*, case: SupervisionCase, sanction: Sanction, actor) -> GeneratedDocument:
    """处理决定书: the measure, the occupations concerned, the reasons, the ban, the right of appeal; numbered now,
    rendered after commit."""
    document = document_issue(
        kind=GeneratedDocument.Kind.SANCTION_DECISION,
        target=case,
        template_name="documents/sanction_decision.html",
        context={
            "case": case,
            "filing": case.filing,
            "organisation": case.filing.organisation,
            "sanction": sanction,
            "measure_label": sanction.get_measure_display(),
            "scope_rows": _scope_rows(sanction.scopes.select_related("occupation")),
            "findings": case.findings,
            "issued_on": sanction.effective_on,
        },
        actor=actor,
    )
    document_render_on_commit(document)
    return document
