"""Recording a site inspection: checklist results, notes and photo evidence from the drawn team."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.common.services import transition
from cases.common.steps import run_task_step
from cases.documents import services as documents
from cases.draws import services as draws
from cases.draws.services import active_seat, has_draws
from cases.inspections.photos import CheckedPhoto, photo_check
from cases.models import (
    ApplicationState,
    ChecklistTemplate,
    Draw,
    DrawSeat,
    FilingApplication,
    InspectionFinding,
    InspectionPhoto,
    SiteInspection,
)
from cases.models.inspections import conclude
from workflow.flows.filing import FilingFlow

Result = InspectionFinding.Result


@dataclass
class FindingEntry:
    """What a team member records for one checklist item; None leaves a value unchanged."""

    result: str | None = None
    note: str | None = None
    photos: list = field(default_factory=list)  # uploaded files, checked again here


def findings_from_checklist(inspection: SiteInspection) -> None:
    """Copy the inspection's checklist version into its findings (the version current at planning)."""
    InspectionFinding.objects.bulk_create(
        InspectionFinding(
            inspection=inspection,
            item=item,
            position=item.position,
            code=item.code,
            text=item.text,
            weight=item.weight,
            veto=item.veto,
        )
        for item in inspection.checklist.items.all()
    )


def team_member_may_record(inspection: SiteInspection, user) -> bool:
    """Confirmed members of the drawn team record findings (legacy teams: every member)."""
    if not has_draws(inspection):
        return inspection.members.filter(pk=user.pk).exists()
    seat = active_seat(target=inspection, user=user)
    return seat is not None and seat.status == DrawSeat.Status.CONFIRMED


def inspection_is_open(inspection: SiteInspection) -> bool:
    application = inspection.application
    return (
        not inspection.is_signed
        and application.state == ApplicationState.INSPECTING
        and application.inspections.values_list("pk", flat=True).first() == inspection.pk
    )


def apply_entries(*, inspection: SiteInspection, actor, entries: dict[str, FindingEntry]) -> dict:
    """Write the entries into the findings and store the photos; returns what changed (for the audit)."""
    findings = {f.code: f for f in inspection.findings.select_for_update()}
    unknown = sorted(set(entries) - set(findings))
    if unknown:
        raise ValidationError(_("Unknown checklist items: %(items)s.") % {"items": ", ".join(unknown)})
    changed, photos = [], []
    now = timezone.now()
    for code, entry in entries.items():
        finding = findings[code]
        if entry.result not in (None, "") and entry.result not in Result.values:
            raise ValidationError(_("Unknown result for %(item)s.") % {"item": code})
        new_result = finding.result if entry.result in (None, "") else entry.result
        new_note = finding.note if entry.note is None else entry.note.strip()
        if (new_result, new_note) != (finding.result, finding.note):
            finding.result, finding.note, finding.recorded_by, finding.recorded_at = new_result, new_note, actor, now
            finding.save(update_fields=["result", "note", "recorded_by", "recorded_at"])
            changed.append(code)
        for uploaded in entry.photos:
            photo = photo_store(finding=finding, uploaded=uploaded, actor=actor)
            if photo is not None:
                photos.append({"item": code, "sha256": photo.sha256})
    return {"items": changed, "photos": photos}


def photo_store(*, finding, uploaded, actor, checked: CheckedPhoto | None = None) -> InspectionPhoto | None:
    """Keep a photo for a finding; the same photo twice on one item is stored once (None)."""
    checked = checked or photo_check(uploaded)
    if finding.photos.filter(sha256=checked.sha256).exists():
        return None
    meta = checked.metadata
    photo = InspectionPhoto(
        finding=finding,
        original_name=(getattr(uploaded, "name", "") or "photo")[:200],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        width=checked.width,
        height=checked.height,
        taken_at=meta.taken_at,
        latitude=meta.latitude,
        longitude=meta.longitude,
        camera=meta.camera,
        uploaded_by=actor,
    )
    extension = "jpg" if checked.content_type == "image/jpeg" else "png"
    uploaded.seek(0)
    photo.file.save(f"{checked.sha256[:32]}.{extension}", ContentFile(uploaded.read()), save=False)
    photo.thumbnail.save(f"{checked.sha256[:32]}-thumb.jpg", ContentFile(checked.thumbnail), save=False)
    photo.save()
    return photo


@transaction.atomic
def inspection_findings_save(*, inspection, actor, entries: dict[str, FindingEntry]) -> SiteInspection:
    """A confirmed team member records results, notes and photos; the leader signs off later."""
    inspection = SiteInspection.objects.select_for_update().select_related("application").get(pk=inspection.pk)
    if not inspection_is_open(inspection):
        raise ValidationError(_("This inspection has been signed off; its findings can no longer change."))
    if not team_member_may_record(inspection, actor):
        raise PermissionDenied(_("Only confirmed members of the inspection team can record findings."))
    changes = apply_entries(inspection=inspection, actor=actor, entries=entries)
    if changes["items"] or changes["photos"]:
        audit_record(
            actor=actor,
            action="inspection.findings_saved",
            obj=inspection.application,
            data={"inspection": inspection.pk, **changes},
        )
    return inspection


def computed_conclusion(inspection: SiteInspection) -> str:
    return conclude(inspection.findings.all(), basically_share=settings.INSPECTION_BASICALLY_MEETS_SHARE)


def team_problems(inspection: SiteInspection) -> list[str]:
    """What about the team stops the report from being signed: unanswered or vacant seats."""
    if not has_draws(inspection):
        return []
    seats = list(DrawSeat.objects.filter(draw__inspection=inspection).select_related("user"))
    problems = []
    pending = [s for s in seats if s.status == DrawSeat.Status.PENDING]
    if pending:
        problems.append(
            _("Waiting for team members to confirm: %(names)s.")
            % {"names": "、".join(s.user.get_full_name() or s.user.username for s in pending)}
        )
    if sum(1 for s in seats if s.is_active) < 2 or any(s.is_vacant for s in seats):
        problems.append(_("The team has a vacant seat; the chief must draw a replacement first."))
    return problems


def sign_off_problems(inspection: SiteInspection, actor) -> list[str]:
    """What stops this person from signing the report now (empty: nothing)."""
    problems = []
    if inspection.leader_id != actor.pk:
        problems.append(_("Only the team leader signs the inspection report."))
    missing = [f.code for f in inspection.findings.all() if not f.result]
    if missing:
        problems.append(
            _("Record a result for every checklist item (missing: %(items)s).") % {"items": ", ".join(missing)}
        )
    return problems + team_problems(inspection)


def check_conclusion(inspection: SiteInspection, *, computed: str, chosen: str, reason: str) -> None:
    """The leader confirms the computed conclusion, or departs from it with reasons (never past a failed veto)."""
    Conclusion = SiteInspection.Conclusion
    vetoed = [f.code for f in inspection.findings.all() if f.veto and f.result == Result.FAIL]
    if vetoed and chosen != Conclusion.FAILS:
        raise ValidationError(
            _("Veto items failed (%(items)s): the conclusion can only be “%(fails)s”.")
            % {"items": ", ".join(vetoed), "fails": Conclusion.FAILS.label}
        )
    if chosen != computed and not reason.strip():
        raise ValidationError(
            _("The checklist gives “%(computed)s”; explain why the conclusion differs.")
            % {"computed": Conclusion(computed).label}
        )


def date_problem(*, planned: date, actual: date | None, today: date) -> str | None:
    """Why a report dated by its inspection cannot be signed today (the inspection has not taken place yet)."""
    day = actual or planned
    if today < day:
        return _(
            "The inspection is planned for %(date)s: the findings cannot be signed before that day. If the visit "
            "took place on another day, the team leader records the actual date with the reason first."
        ) % {"date": day.isoformat()}
    return None


def actual_date_problem(*, actual: date, reason: str, planned: date, earliest: date | None, today: date) -> str | None:
    """What is wrong with an actual inspection date the leader records (None: nothing)."""
    if actual > today:
        return _("The actual inspection date cannot be in the future.")
    if earliest is not None and actual < earliest:
        return _("The inspection cannot have taken place before %(date)s.") % {"date": earliest.isoformat()}
    if actual != planned and not (reason or "").strip():
        return _("Give the reason why the inspection took place on another day than planned.")
    return None


@transaction.atomic
def inspection_actual_date_record(
    *, inspection, actor, actual_date: date, reason: str, today: date | None = None
) -> SiteInspection:
    """The team leader records the day the visit actually took place, with the reason (the report shows it)."""
    today = today or timezone.localdate()
    inspection = SiteInspection.objects.select_for_update().select_related("application").get(pk=inspection.pk)
    if inspection.leader_id != actor.pk:
        raise PermissionDenied(_("Only the team leader records the actual inspection date."))
    if not inspection_is_open(inspection):
        raise ValidationError(_("This inspection has been signed off; its findings can no longer change."))
    accepted = inspection.application.accepted_at
    problem = actual_date_problem(
        actual=actual_date,
        reason=reason,
        planned=inspection.planned_date,
        earliest=timezone.localdate(accepted) if accepted else None,
        today=today,
    )
    if problem:
        raise ValidationError(problem)
    inspection.actual_date = None if actual_date == inspection.planned_date else actual_date
    inspection.actual_date_reason = reason.strip() if inspection.actual_date else ""
    inspection.actual_date_recorded_by = actor
    inspection.save(update_fields=["actual_date", "actual_date_reason", "actual_date_recorded_by"])
    audit_record(
        actor=actor,
        action="inspection.actual_date_recorded",
        obj=inspection.application,
        data={"inspection": inspection.pk, "planned": inspection.planned_date, "actual": actual_date, "reason": reason},
    )
    return inspection


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
        findings_from_checklist(inspection)
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
            public=True,
            data={"date": planned_date, "draw": draw.pk, "checklist": checklist.version},
        )

    return run_task_step(subject=application, actor=actor, step=FilingFlow.plan_inspection, work=work)


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
        code: FindingEntry(result=result, note=note, photos=list(photos.get(code, [])))
        for code, (result, note) in results.items()
    }
    for code, files in photos.items():
        entries.setdefault(code, FindingEntry(photos=list(files)))

    def work(app):
        inspection = app.inspections.select_for_update().first()
        if not team_member_may_record(inspection, actor):
            raise ValidationError(_("Confirm your seat on the team (no conflict of interest) before signing."))
        too_early = date_problem(
            planned=inspection.planned_date, actual=inspection.actual_date, today=timezone.localdate()
        )
        if too_early:
            raise ValidationError(too_early)
        changes = apply_entries(inspection=inspection, actor=actor, entries=entries)
        problems = sign_off_problems(inspection, actor)
        if problems:
            raise ValidationError(problems)
        computed = computed_conclusion(inspection)
        check_conclusion(inspection, computed=computed, chosen=conclusion, reason=reason)
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
        transition(app, actor, "finish_inspection", public=True, data={"conclusion": conclusion})
        draws.seats_close_unanswered(inspection)
        documents.inspection_report(application=app, inspection=inspection, actor=actor, defer=True)

    return run_task_step(subject=application, actor=actor, step=FilingFlow.site_inspection, work=work)
