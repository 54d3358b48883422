"""A selected organisation's filing draft continues into the filing flow: at the site inspection, or straight to
registration when the call says the selection review replaces the inspection and the assessment."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.applications import services as filing_services
from cases.common.locking import locked
from cases.common.services import transition
from cases.models import ApplicationState, Continuation, FilingApplication
from cases.selection.services.flows import flow_start_at
from workflow.flows.filing import FilingFlow


def _scope_to_lots(filing: FilingApplication, actor, lots) -> None:
    """The filing's scope becomes what the organisation was selected for: the selected levels of each occupation."""
    wanted: dict[int, set[int]] = {}
    for lot in lots:
        wanted.setdefault(lot.occupation_id, set()).add(lot.level)
    for item in list(filing.scope_items.all()):
        levels = sorted(set(item.levels) & wanted.get(item.occupation_id, set()), reverse=True)
        if not levels:
            filing_services.child_delete(application=filing, actor=actor, child=item)
        elif levels != sorted(item.levels, reverse=True):
            item.levels = levels
            filing_services.child_save(application=filing, actor=actor, child=item)


def _approve_by_selection(filing: FilingApplication, actor, call) -> None:
    """The published selection list was the public notice: the filing stands approved and on notice for the
    publication period that has ended, so that the approver registers it next.

    The application's state machine has no transition from "accepted" to "on notice"; until it has one, the
    change is written here, under the row lock, with its audit event in the same transaction.
    """
    now = timezone.now()
    reasons = _("Selected in the public selection %(call)s; the list was published from %(start)s to %(end)s.") % {
        "call": call.number,
        "start": call.publication_starts.isoformat(),
        "end": call.publication_ends.isoformat(),
    }
    changed = FilingApplication.objects.filter(pk=filing.pk, state=ApplicationState.ACCEPTED).update(
        state=ApplicationState.ON_NOTICE,
        decided_at=now,
        decided_by=actor,
        decision_reasons=reasons,
        notice_starts=call.publication_starts,
        notice_ends=call.publication_ends,
    )
    if changed != 1:
        raise ValidationError(_("The filing application %(number)s is not accepted.") % {"number": filing.number})
    audit_record(
        actor=actor,
        action="application.approve",
        obj=filing,
        from_state=ApplicationState.ACCEPTED,
        to_state=ApplicationState.ON_NOTICE,
        public=True,
        data={"selection": call.number, "notice_ends": call.publication_ends.isoformat()},
    )


def filing_continue(*, application, actor, lots) -> FilingApplication:
    """Submit and accept the selection application's filing draft (the eligibility check was its completeness
    review, by the clerk who made it) and start the filing flow where the call says."""
    call = application.call
    filing = locked(application.filing)
    if filing.state != ApplicationState.DRAFT:
        raise ValidationError(
            _("The filing draft %(number)s is no longer a draft (%(state)s); it cannot continue from the selection.")
            % {"number": filing.number, "state": filing.get_state_display()}
        )
    _scope_to_lots(filing, actor, lots)
    data = {"selection": call.number}
    filing.submitted_at = application.submitted_at
    transition(filing, actor, "submit", fields=["submitted_at"], public=True, data=data)
    filing.accepted_at, filing.accepted_by = application.checked_at, application.checked_by
    transition(filing, actor, "accept", fields=["accepted_at", "accepted_by"], public=True, data=data)
    if call.continuation == Continuation.REGISTRATION:
        _approve_by_selection(filing, actor, call)
        node = FilingFlow.notice
    else:
        node = FilingFlow.plan_inspection
    filing = FilingApplication.objects.get(pk=filing.pk)
    flow_start_at(FilingFlow, subject=filing, node=node)
    return filing
