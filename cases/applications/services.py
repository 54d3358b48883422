"""The applicant's side: drafting, the pre-submission check, submitting and withdrawing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.common.numbering import next_number
from cases.common.uploads import check_upload
from cases.models import ApplicationState as S
from cases.models import Attachment, FilingApplication, RosterMember, ScopeItem, SkillLevel
from cases.registry.selectors import refiling_ban_of


def _locked(application: FilingApplication) -> FilingApplication:
    return FilingApplication.objects.select_for_update().select_related("organisation").get(pk=application.pk)


def _editable(application: FilingApplication) -> FilingApplication:
    locked = _locked(application)
    if not locked.is_editable_by_applicant:
        raise ValidationError(_("The application can only be changed while it is a draft or returned for supplement."))
    return locked


def transition(application, actor, method: str, *, public: bool = True, data=None) -> None:
    """Run one fsm transition, save the state and record it in the audit trail."""
    source = application.state
    getattr(application, method)()
    application.save()
    audit_record(
        actor=actor,
        action=f"application.{method}",
        obj=application,
        from_state=source,
        to_state=application.state,
        public=public,
        data=data or {},
    )


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


@transaction.atomic
def application_submit(*, application, actor) -> FilingApplication:
    """Submit a complete draft, or resubmit after supplement; starts or resumes the flow."""
    application = _editable(application)
    problems = application_problems(application)
    if problems:
        raise ValidationError(problems)
    resubmission = application.state == S.RETURNED
    application.submitted_at = timezone.now()
    transition(application, actor, "submit", data={"resubmission": resubmission})
    from workflow.services import flow_resume_after_supplement, flow_start

    if resubmission:
        flow_resume_after_supplement(application=application)
    else:
        flow_start(application=application)
    return application


@transaction.atomic
def application_withdraw(*, application, actor) -> FilingApplication:
    application = _locked(application)
    if application.state not in {S.DRAFT, S.SUBMITTED, S.RETURNED}:
        raise ValidationError(_("Only a draft, submitted or returned application can be withdrawn."))
    transition(application, actor, "withdraw")
    if application.process_id:
        from workflow.services import flow_cancel

        flow_cancel(application=application)
    return application
