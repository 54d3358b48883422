"""The publication of a confirmed list: objections (online or recorded by the bureau) and their resolution, and
the conclusion after the period: notices to every applicant, the selected ones into the filing flow."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.common.services import transition
from cases.common.uploads import check_upload
from cases.documents.pdf import DOCUMENT_LANGUAGE
from cases.models import CallState as C
from cases.models import SelectionApplication, SelectionCall, SelectionEntry, SelectionObjection
from cases.models import SelectionState as S
from cases.selection import documents, notices
from cases.selection.services.continuation import filing_continue
from cases.selection.services.flows import run_call_step
from workflow.flows.selection import CONDUCT, SelectionFlow


def _require_conductor(actor) -> None:
    if not actor.has_perm(CONDUCT):
        raise PermissionDenied(_("Only the section chief records and resolves objections to a selection list."))


def _on_publication(call: SelectionCall, today) -> None:
    if call.state != C.LISTED or today > call.publication_ends:
        raise ValidationError(_("Objections can be raised only while the list is on publication."))


def _not_concluded(call: SelectionCall) -> None:
    if call.state != C.LISTED:
        raise ValidationError(_("Objections are recorded from the list's publication until the selection concludes."))


def _concerning(call: SelectionCall, application_id) -> SelectionApplication | None:
    if not application_id:
        return None
    application = call.applications.filter(pk=application_id, state=S.ELIGIBLE).first()
    if application is None:
        raise ValidationError(_("Choose an organisation of this list."))
    return application


@transaction.atomic
def objection_submit(
    *, call, raised_by: str, contact: str, content: str, application_id=None, evidence=None, today=None
) -> SelectionObjection:
    """Anyone objects online to a published list (no account needed); the chief answers it."""
    today = today or timezone.localdate()
    call = SelectionCall.objects.select_for_update().get(pk=call.pk)
    _on_publication(call, today)
    if not raised_by.strip() or not content.strip():
        raise ValidationError(_("Give your name and the grounds of the objection."))
    objection = SelectionObjection(
        call=call,
        application=_concerning(call, application_id),
        source=SelectionObjection.Source.ONLINE,
        raised_by=raised_by.strip()[:100],
        contact=contact.strip()[:100],
        content=content.strip(),
    )
    if evidence is not None:
        content_type, sha256 = check_upload(evidence)
        objection.evidence_name, objection.evidence_content_type = evidence.name[:200], content_type
        objection.evidence_sha256 = sha256
        objection.evidence.save(f"{sha256[:16]}-{evidence.name[-80:]}", evidence, save=False)
    objection.save()
    audit_record(actor=None, action="selection.objection_submitted", obj=call, data={"objection": objection.pk})
    return objection


@transaction.atomic
def objection_record(*, call, actor, raised_by: str, content: str, contact: str = "", application_id=None):
    """The chief records an objection that came by letter or telephone (until the selection concludes: a letter
    sent within the period may arrive after it)."""
    _require_conductor(actor)
    call = SelectionCall.objects.select_for_update().get(pk=call.pk)
    _not_concluded(call)
    objection = SelectionObjection.objects.create(
        call=call,
        application=_concerning(call, application_id),
        raised_by=raised_by.strip(),
        contact=contact.strip(),
        content=content.strip(),
        recorded_by=actor,
    )
    audit_record(actor=actor, action="selection.objection_recorded", obj=call, data={"objection": objection.pk})
    return objection


@transaction.atomic
def objection_resolve(*, objection, actor, resolution: str) -> SelectionObjection:
    """Answer an objection with the reasons of its resolution; the selection concludes only once all are."""
    _require_conductor(actor)
    objection = SelectionObjection.objects.select_for_update().select_related("call").get(pk=objection.pk)
    if objection.call.state != C.LISTED:
        raise ValidationError(_("The selection has been concluded; its objections can no longer change."))
    if objection.resolved_at:
        raise ValidationError(_("This objection has already been resolved."))
    if not resolution.strip():
        raise ValidationError(_("Describe how the objection was resolved."))
    objection.resolution, objection.resolved_at, objection.resolved_by = resolution.strip(), timezone.now(), actor
    objection.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    audit_record(
        actor=actor, action="selection.objection_resolved", obj=objection.call, data={"objection": objection.pk}
    )
    return objection


def _not_selected_reasons(application: SelectionApplication) -> str:
    """Why an application is not on the final list, lot by lot, in the language of the bureau's notices."""
    with translation.override(DOCUMENT_LANGUAGE):
        return _reasons_text(application)


def _reasons_text(application: SelectionApplication) -> str:
    lines = []
    for entry in application.entries.select_related("lot__occupation").order_by("lot_id"):
        if entry.change_reason and not entry.selected:
            lines.append(
                _("%(lot)s: ranked %(rank)s; not selected by the bureau: %(reason)s")
                % {"lot": entry.lot, "rank": entry.rank, "reason": entry.change_reason}
            )
        elif application.result is not None and application.result < application.call.pass_mark:
            lines.append(
                _("%(lot)s: the panel result %(result)s is below the call's lowest selectable result %(mark)s.")
                % {"lot": entry.lot, "result": application.result, "mark": application.call.pass_mark}
            )
        else:
            lines.append(
                _("%(lot)s: ranked %(rank)s with %(result)s; the call wants %(quota)d organisations.")
                % {"lot": entry.lot, "rank": entry.rank, "result": application.result, "quota": entry.lot.quota}
            )
    return "\n".join(lines)


def selection_conclude(*, call, actor, removals: dict[int, str] | None = None, today=None) -> SelectionCall:
    """After the publication period, with every objection resolved: the list is final. The selected applications
    continue into the filing flow; every applicant gets its notice with the reasons.

    `removals` takes entries off the list (an objection upheld), each with its reason.
    """
    today = today or timezone.localdate()
    removals = {key: value.strip() for key, value in (removals or {}).items()}

    def work(locked_call):
        if locked_call.state != C.LISTED or today <= locked_call.publication_ends:
            raise ValidationError(
                _("The list is on publication until %(date)s; the selection concludes after it.")
                % {"date": locked_call.publication_ends.isoformat() if locked_call.publication_ends else "-"}
            )
        if locked_call.objections.filter(resolved_at__isnull=True).exists():
            raise ValidationError(_("Resolve every objection before concluding the selection."))
        for entry_id, reason in removals.items():
            entry = (
                SelectionEntry.objects.select_related("application__organisation")
                .filter(pk=entry_id, lot__call=locked_call, selected=True)
                .first()
            )
            if entry is None:
                raise ValidationError(_("Only an organisation on the list can be taken off it."))
            if not reason:
                raise ValidationError(
                    _("Give the reason for taking %(name)s off the list.")
                    % {"name": entry.application.organisation.name}
                )
            entry.selected, entry.change_reason = False, reason
            entry.save(update_fields=["selected", "change_reason"])
            audit_record(
                actor=actor,
                action="selection.removed_from_list",
                obj=entry.application,
                public=True,
                data={"lot": entry.lot_id, "reason": reason},
            )
        compared = locked_call.applications.filter(state=S.ELIGIBLE).select_related("organisation", "filing")
        for application in compared:
            application = SelectionApplication.objects.select_for_update().get(pk=application.pk)
            chosen = list(application.entries.filter(selected=True).select_related("lot__occupation"))
            application.decided_at = timezone.now()
            if chosen:
                with translation.override(DOCUMENT_LANGUAGE):
                    application.outcome_reasons = "\n".join(
                        _("%(lot)s: ranked %(rank)s with %(result)s.")
                        % {"lot": entry.lot, "rank": entry.rank, "result": application.result}
                        for entry in chosen
                    )
                transition(application, actor, "select", fields=["decided_at", "outcome_reasons"], public=True)
                filing_continue(application=application, actor=actor, lots=[entry.lot for entry in chosen])
                outcome = documents.SELECTED
            else:
                application.outcome_reasons = _not_selected_reasons(application)
                transition(application, actor, "reject", fields=["decided_at", "outcome_reasons"], public=True)
                outcome = documents.NOT_SELECTED
            documents.notice_document(
                application=application,
                actor=actor,
                outcome=outcome,
                reasons=application.outcome_reasons,
                entries=chosen,
            )
            notices.notify_decided(application=application, outcome=outcome)
        locked_call.concluded_at, locked_call.concluded_by = timezone.now(), actor
        transition(locked_call, actor, "conclude", fields=["concluded_at", "concluded_by"], public=True)

    return run_call_step(call=call, actor=actor, node=SelectionFlow.conclude, work=work)
