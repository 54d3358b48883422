"""The regulator's steps of the filing flow. Each completes the actor's task for that step."""

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.applications.services import transition
from cases.common.numbering import next_number
from cases.documents import services as documents
from cases.draws import services as draws
from cases.inspections import services as inspections
from cases.models import ApplicationState as S
from cases.models import (
    ChecklistTemplate,
    CriterionScore,
    Deficiency,
    Draw,
    DrawSeat,
    ExpertPanel,
    ExpertScore,
    Filing,
    FilingApplication,
    FilingScope,
    NoticeObjection,
    Rubric,
    SiteInspection,
)
from cases.models.assessments import weighted_total
from workflow import notifications as notify
from workflow.calendar import due_date
from workflow.flows.filing import FilingFlow
from workflow.services import open_task_for
from workflow.tasks import task_complete


def _locked(application) -> FilingApplication:
    return FilingApplication.objects.select_for_update().select_related("organisation").get(pk=application.pk)


def _ensure_impartial(application, actor) -> None:
    """Nobody acts on a case of an organisation they belong to."""
    if application.organisation.members.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("You belong to the applicant organisation and may not act on this case."))


def _run_step(*, application, actor, step, work) -> FilingApplication:
    application = FilingApplication.objects.select_related("organisation").get(pk=application.pk)  # never stale
    _ensure_impartial(application, actor)
    task = open_task_for(application=application, step=step, actor=actor)
    result = {}

    def locked_work():
        result["application"] = _locked(application)
        work(result["application"])

    task_complete(task_id=task.pk, actor=actor, work=locked_work)
    return result["application"]


# Completeness review (clerk)


def application_accept(*, application, actor) -> FilingApplication:
    """Accept a complete application; an acceptance notice is issued."""

    def work(app):
        app.accepted_at, app.accepted_by = timezone.now(), actor
        transition(app, actor, "accept")
        documents.acceptance_notice(application=app, actor=actor)
        notify.notify_application_accepted(application=app)

    return _run_step(application=application, actor=actor, step=FilingFlow.review, work=work)


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
        transition(app, actor, "return_for_supplement", data={"deficiencies": items})
        documents.supplement_notice(application=app, actor=actor, deficiencies=items)
        supplement_due = due_date(timezone.localdate(), "supplement")  # the supplement task's own due date
        notify.notify_application_returned(application=app, round_no=round_no, due_on=supplement_due)

    return _run_step(application=application, actor=actor, step=FilingFlow.review, work=work)


def application_reject_ineligible(*, application, actor, reasons: str) -> FilingApplication:
    """Reject at review because the applicant is not eligible."""
    if not reasons.strip():
        raise ValidationError(_("Give the reasons for the rejection."))

    def work(app):
        app.rejection_reasons = reasons.strip()
        transition(app, actor, "reject", data={"stage": "review"})
        documents.rejection_notice(application=app, actor=actor)
        notify.notify_application_decided(application=app, outcome=notify.REJECTED)

    return _run_step(application=application, actor=actor, step=FilingFlow.review, work=work)


# Site inspection (the chief draws the team, the team records, the leader signs)


def inspection_plan(
    *, application, actor, planned_date: date, team_size: int | None = None, seed: str | None = None
) -> FilingApplication:
    """Schedule the inspection and draw its team at random; the checklist version current now is used."""
    team_size = team_size or settings.INSPECTION_TEAM_SIZE
    if team_size < 2:
        raise ValidationError(_("An inspection team needs at least two inspectors."))
    if planned_date < timezone.localdate():
        raise ValidationError(_("The inspection date cannot be in the past."))
    checklist = ChecklistTemplate.objects.current()
    if checklist is None:
        raise ValidationError(_("No inspection checklist has been published yet."))

    def work(app):
        inspection = SiteInspection.objects.create(
            application=app, checklist=checklist, planned_date=planned_date, planned_by=actor
        )
        inspections.findings_from_checklist(inspection)
        draw = draws.draw_make(
            kind=Draw.Kind.TEAM,
            application=app,
            target=inspection,
            seat_roles=draws.team_roles(team_size),
            actor=actor,
            seed=seed,
        )
        draws.team_sync(inspection)
        transition(
            app,
            actor,
            "plan_inspection",
            data={"date": planned_date, "draw": draw.pk, "checklist": checklist.version},
        )

    return _run_step(application=application, actor=actor, step=FilingFlow.plan_inspection, work=work)


def inspection_record(
    *,
    application,
    actor,
    results: dict,
    conclusion: str,
    summary: str = "",
    reason: str = "",
    photos: dict | None = None,
) -> FilingApplication:
    """The team leader records the last findings and signs the report, confirming the computed conclusion.

    `results` maps item codes to (result, note), `photos` item codes to uploaded files.
    """
    if conclusion not in SiteInspection.Conclusion.values:
        raise ValidationError(_("Choose a conclusion."))
    photos = photos or {}
    entries = {
        code: inspections.FindingEntry(result=result, note=note, photos=list(photos.get(code, [])))
        for code, (result, note) in results.items()
    }
    for code, files in photos.items():
        entries.setdefault(code, inspections.FindingEntry(photos=list(files)))

    def work(app):
        inspection = app.inspections.select_for_update().first()
        if not inspections.team_member_may_record(inspection, actor):
            raise ValidationError(_("Confirm your seat on the team (no conflict of interest) before signing."))
        changes = inspections.apply_entries(inspection=inspection, actor=actor, entries=entries)
        problems = inspections.sign_off_problems(inspection, actor)
        if problems:
            raise ValidationError(problems)
        computed = inspections.computed_conclusion(inspection)
        inspections.check_conclusion(inspection, computed=computed, chosen=conclusion, reason=reason)
        inspection.computed_conclusion, inspection.conclusion = computed, conclusion
        inspection.conclusion_reason = reason.strip() if conclusion != computed else ""
        inspection.summary, inspection.signed_at, inspection.signed_by = summary.strip(), timezone.now(), actor
        fields = ["computed_conclusion", "conclusion", "conclusion_reason", "summary", "signed_at", "signed_by"]
        inspection.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="inspection.signed",
            obj=app,
            data={"inspection": inspection.pk, "computed": computed, "conclusion": conclusion, **changes},
        )
        transition(app, actor, "finish_inspection", data={"conclusion": conclusion})
        documents.inspection_report(application=app, inspection=inspection, actor=actor)

    return _run_step(application=application, actor=actor, step=FilingFlow.site_inspection, work=work)


# Expert assessment (the chief draws the panel; each expert scores in parallel, blind)


def expert_panel_draw(
    *, application, actor, panel_size: int | None = None, seed: str | None = None
) -> FilingApplication:
    """Draw the expert panel at random; the rubric version and the result rule in force now apply to it."""
    panel_size = panel_size or settings.EXPERT_PANEL_SIZE
    if panel_size < 3:
        raise ValidationError(_("An expert panel needs at least three experts."))
    rubric = Rubric.objects.current()
    if rubric is None:
        raise ValidationError(_("No assessment rubric has been published yet."))

    def work(app):
        panel = ExpertPanel.objects.create(
            application=app,
            rubric=rubric,
            pass_mark=settings.ASSESSMENT_PASS_MARK,
            trim_from=settings.ASSESSMENT_TRIM_FROM,
            disagreement_margin=settings.ASSESSMENT_DISAGREEMENT_MARGIN,
            formed_by=actor,
        )
        draws.draw_make(
            kind=Draw.Kind.PANEL,
            application=app,
            target=panel,
            seat_roles=[DrawSeat.Role.EXPERT] * panel_size,
            actor=actor,
            seed=seed,
        )
        draws.panel_sync(panel)

    return _run_step(application=application, actor=actor, step=FilingFlow.draw_panel, work=work)


def expert_score_submit(
    *, application, actor, points: dict, comments: dict | None = None, comment: str = ""
) -> FilingApplication:
    """An expert scores every rubric criterion (0-100); after the last expert the panel result is known."""
    comments = comments or {}

    def work(app):
        panel = app.panels.select_related("rubric").first()
        score = ExpertScore.objects.select_for_update().filter(panel=panel, expert=actor).first()
        if score is None:
            raise PermissionDenied(_("You are not on this expert panel."))
        if score.submitted_at:
            raise ValidationError(_("You have already submitted your scores."))
        if draws.has_draws(panel):
            seat = draws.active_seat(target=panel, user=actor)
            if seat is None or seat.status != DrawSeat.Status.CONFIRMED:
                raise ValidationError(_("Confirm your seat on the panel (no conflict of interest) before scoring."))
        criteria = list(panel.rubric.criteria.all())
        missing = [c.code for c in criteria if points.get(c.code) in (None, "")]
        if missing:
            raise ValidationError(_("Score every criterion (missing: %(items)s).") % {"items": ", ".join(missing)})
        rows = [
            CriterionScore(score=score, criterion=c, points=Decimal(points[c.code]), comment=comments.get(c.code, ""))
            for c in criteria
        ]
        for row in rows:
            row.full_clean(exclude=["score"])
        CriterionScore.objects.bulk_create(rows)
        score.total = weighted_total((row.points, row.criterion.weight) for row in rows)
        score.comment, score.submitted_at = comment.strip(), timezone.now()
        score.save(update_fields=["total", "comment", "submitted_at"])
        audit_record(actor=actor, action="assessment.scored", obj=app, data={"panel": panel.pk})
        result = panel.aggregate()
        if result is not None:
            transition(
                app,
                actor,
                "finish_assessment",
                data={
                    "result": result.mean,
                    "spread": result.spread,
                    "trimmed": result.trimmed,
                    "disagreement": result.disagreement,
                },
            )
            documents.assessment_report(application=app, panel=panel, actor=actor)

    return _run_step(application=application, actor=actor, step=FilingFlow.score, work=work)


# Decision, public notice and registration (approver)

APPROVE, REJECT, REINSPECT = "approve", "reject", "reinspect"


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
            transition(app, actor, "approve")
        elif decision == REJECT:
            transition(app, actor, "reject", data={"stage": "decision"})
        elif decision == REINSPECT:
            transition(app, actor, "reinspect")
        else:
            raise ValidationError(_("Unknown decision."))
        documents.decision(application=app, actor=actor, decision=decision)
        if decision in {APPROVE, REJECT}:
            outcome = notify.APPROVED if decision == APPROVE else notify.REJECTED
            notify.notify_application_decided(application=app, outcome=outcome)

    return _run_step(application=application, actor=actor, step=FilingFlow.decide, work=work)


@transaction.atomic
def objection_record(*, application, actor, raised_by: str, content: str) -> NoticeObjection:
    application = _locked(application)
    if application.state != S.ON_NOTICE:
        raise ValidationError(_("Objections can only be recorded during the public notice."))
    objection = NoticeObjection.objects.create(
        application=application, raised_by=raised_by, content=content, recorded_by=actor
    )
    audit_record(actor=actor, action="notice.objection_recorded", obj=application, data={"objection": objection.pk})
    return objection


@transaction.atomic
def objection_resolve(*, objection, actor, resolution: str) -> NoticeObjection:
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
        transition(app, actor, "register", data={"filing": result["filing"].number})
        documents.filing_certificate(filing=result["filing"], actor=actor)
        notify.notify_application_decided(application=app, outcome=notify.FILED, filing_number=result["filing"].number)

    _run_step(application=application, actor=actor, step=FilingFlow.notice, work=work)
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
