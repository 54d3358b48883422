"""The regulator's steps of the filing flow. Each completes the actor's task for that step."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.models import (
    DEFAULT_CHECKLIST,
    Deficiency,
    ExpertPanel,
    ExpertScore,
    Filing,
    FilingApplication,
    FilingScope,
    InspectionFinding,
    NoticeObjection,
    SiteInspection,
)
from cases.models import ApplicationState as S
from cases.services import documents
from cases.services.applications import transition
from cases.services.numbering import next_number
from workflow.calendar import due_date
from workflow.flows import FilingFlow
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

    return _run_step(application=application, actor=actor, step=FilingFlow.review, work=work)


def application_reject_ineligible(*, application, actor, reasons: str) -> FilingApplication:
    """Reject at review because the applicant is not eligible."""
    if not reasons.strip():
        raise ValidationError(_("Give the reasons for the rejection."))

    def work(app):
        app.rejection_reasons = reasons.strip()
        transition(app, actor, "reject", data={"stage": "review"})
        documents.rejection_notice(application=app, actor=actor)

    return _run_step(application=application, actor=actor, step=FilingFlow.review, work=work)


# Site inspection (chief plans, team leader records)


def inspection_plan(*, application, actor, planned_date: date, leader, members) -> FilingApplication:
    """Schedule the inspection with a team of at least two, one of them the leader."""
    team = {leader, *members}
    if len(team) < 2:
        raise ValidationError(_("An inspection team needs at least two inspectors."))
    if planned_date < timezone.localdate():
        raise ValidationError(_("The inspection date cannot be in the past."))
    if any(application.organisation.members.filter(pk=user.pk).exists() for user in team):
        raise ValidationError(_("A member of the applicant organisation cannot inspect it."))

    def work(app):
        inspection = SiteInspection.objects.create(
            application=app, planned_date=planned_date, leader=leader, planned_by=actor
        )
        inspection.members.set(team)
        transition(app, actor, "plan_inspection", data={"date": planned_date, "leader": leader.username})

    return _run_step(application=application, actor=actor, step=FilingFlow.plan_inspection, work=work)


def inspection_record(*, application, actor, results: dict, conclusion: str, summary: str = "") -> FilingApplication:
    """The team leader records each checklist item and signs the report."""
    missing = [code for code, _text in DEFAULT_CHECKLIST if code not in results]
    if missing:
        raise ValidationError(
            _("Record a result for every checklist item (missing: %(items)s).") % {"items": ", ".join(missing)}
        )
    if conclusion not in SiteInspection.Conclusion.values:
        raise ValidationError(_("Choose a conclusion."))

    def work(app):
        inspection = app.inspections.select_for_update().first()
        InspectionFinding.objects.bulk_create(
            InspectionFinding(
                inspection=inspection, code=code, text=str(text), result=results[code][0], note=results[code][1]
            )
            for code, text in DEFAULT_CHECKLIST
        )
        inspection.conclusion, inspection.summary, inspection.signed_at = conclusion, summary, timezone.now()
        inspection.save(update_fields=["conclusion", "summary", "signed_at"])
        _form_panel(app, actor)
        transition(app, actor, "finish_inspection", data={"conclusion": conclusion})
        documents.inspection_report(application=app, inspection=inspection, actor=actor)

    return _run_step(application=application, actor=actor, step=FilingFlow.site_inspection, work=work)


def _form_panel(app, actor) -> None:
    """Until random draws exist, the panel is the first three active experts not on the team."""
    from django.contrib.auth.models import User

    team = set(app.inspections.first().members.values_list("pk", flat=True))
    members = set(app.organisation.members.values_list("pk", flat=True))
    experts = (
        User.objects.filter(groups__name="expert", is_active=True)
        .exclude(pk__in=team | members)
        .order_by("pk")[: settings.EXPERT_PANEL_SIZE]
    )
    if len(experts) < 3:
        raise ValidationError(_("Not enough eligible experts to form a panel of three."))
    panel = ExpertPanel.objects.create(application=app, pass_mark=settings.ASSESSMENT_PASS_MARK, formed_by=actor)
    ExpertScore.objects.bulk_create(ExpertScore(panel=panel, expert=expert) for expert in experts)


# Expert assessment (each expert in parallel, blind)


def expert_score_submit(*, application, actor, total, comment: str = "") -> FilingApplication:
    """An expert submits their score; after the last one the case goes to decision."""

    def work(app):
        score = ExpertScore.objects.select_for_update().get(panel=app.panels.first(), expert=actor)
        score.total, score.comment, score.submitted_at = total, comment, timezone.now()
        score.full_clean()
        score.save(update_fields=["total", "comment", "submitted_at"])
        audit_record(actor=actor, action="assessment.scored", obj=app, data={"total": total})
        panel = app.panels.first()
        if panel.result() is not None:
            transition(app, actor, "finish_assessment", data={"mean": panel.result()})
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
