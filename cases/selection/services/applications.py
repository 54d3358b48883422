"""The organisation's side: an application to a call, its sections (through the filing draft's own services),
the declared facts, the eligibility check before submission, submitting and withdrawing."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.applications import services as filing_services
from cases.common.services import transition
from cases.documents import services as filing_documents
from cases.models import CallState as C
from cases.models import Organisation, SelectionApplication, SelectionEntry
from cases.models import SelectionState as S
from cases.selection.eligibility import competing_lots, sections_digest, selection_problems
from workflow.flows.selection import SelectionFlow
from workflow.services import flow_cancel, flow_start


def _locked(application: SelectionApplication) -> SelectionApplication:
    return (
        SelectionApplication.objects.select_for_update(of=("self",))
        .select_related("call", "organisation", "filing")
        .get(pk=application.pk)
    )


def _editable(application: SelectionApplication, actor) -> SelectionApplication:
    application = _locked(application)
    if not application.organisation.has_member(actor):
        raise PermissionDenied(_("Only the applicant organisation's members change its application."))
    if not application.is_editable:
        raise ValidationError(_("The application can only be changed before it is submitted."))
    return application


def selection_application_create(
    *, call, organisation: Organisation, actor, today: date | None = None
) -> SelectionApplication:
    """Start an application to a published call: a filing draft of the organisation holds its sections."""
    if not organisation.has_member(actor):
        raise PermissionDenied(_("Only the organisation's members apply on its behalf."))
    if organisation.kind != Organisation.Kind.SOCIAL:
        raise ValidationError(_("Only social training evaluation organisations take part in a public selection."))
    today = today or timezone.localdate()
    with transaction.atomic():
        call = type(call).objects.select_for_update().get(pk=call.pk)
        if call.state != C.PUBLISHED:
            raise ValidationError(_("The call %(call)s does not take applications.") % {"call": call.number})
        if today > call.window_closes:
            raise ValidationError(
                _("Applications to %(call)s closed on %(date)s.")
                % {"call": call.number, "date": call.window_closes.isoformat()}
            )
        if call.applications.filter(organisation=organisation).exclude(state=S.WITHDRAWN).exists():
            raise ValidationError(_("Your organisation already has an application to this call."))
        filing = filing_services.application_create(organisation=organisation, actor=actor)
        application = SelectionApplication.objects.create(
            number=filing.number, call=call, organisation=organisation, filing=filing, created_by=actor
        )
        audit_record(
            actor=actor,
            action="selectionapplication.created",
            obj=application,
            to_state=application.state,
            public=True,
            data={"call": call.number, "filing": filing.number},
        )
    return application


# The sections live in the filing draft and are changed by its own services, while the application is a draft.


@transaction.atomic
def section_save(*, application, actor, child):
    """Add or change a scope row, roster member or venue of the application's filing draft."""
    application = _editable(application, actor)
    return filing_services.child_save(application=application.filing, actor=actor, child=child)


@transaction.atomic
def section_delete(*, application, actor, child) -> None:
    application = _editable(application, actor)
    filing_services.child_delete(application=application.filing, actor=actor, child=child)


@transaction.atomic
def attachment_add(*, application, actor, kind: str, uploaded):
    application = _editable(application, actor)
    return filing_services.attachment_add(application=application.filing, actor=actor, kind=kind, uploaded=uploaded)


@transaction.atomic
def populations_update(*, application, actor, target_populations: list[str]):
    application = _editable(application, actor)
    return filing_services.application_update(
        application=application.filing, actor=actor, target_populations=target_populations
    )


DECLARED = ["established_on", "good_credit", "clean_record", "truthful"]


@transaction.atomic
def facts_declare(
    *, application, actor, established_on: date | None, good_credit: bool, clean_record: bool, truthful: bool
) -> SelectionApplication:
    """The facts the call asks the organisation to declare (承诺事项)."""
    application = _editable(application, actor)
    if established_on and established_on > timezone.localdate():
        raise ValidationError(
            {"established_on": _("The date the organisation was established cannot be in the future.")}
        )
    application.established_on, application.good_credit = established_on, good_credit
    application.clean_record, application.truthful = clean_record, truthful
    application.save(update_fields=DECLARED)
    audit_record(
        actor=actor,
        action="selectionapplication.declared",
        obj=application,
        data={name: str(getattr(application, name)) for name in DECLARED},
    )
    return application


def selection_submit(*, application, actor, today: date | None = None) -> SelectionApplication:
    """Submit within the call's window, once the eligibility check names no problem; the review starts when the
    window closes."""
    today = today or timezone.localdate()
    with transaction.atomic():
        application = _editable(application, actor)
        problems = selection_problems(application, today)
        if problems:
            raise ValidationError(problems)
        lots = competing_lots(application)
        SelectionEntry.objects.bulk_create(SelectionEntry(application=application, lot=lot) for lot in lots)
        application.submitted_at = timezone.now()
        application.sections_digest = sections_digest(application)
        transition(
            application,
            actor,
            "submit",
            fields=["submitted_at", "sections_digest"],
            public=True,
            data={"call": application.call.number, "lots": [lot.pk for lot in lots]},
        )
        flow_start(SelectionFlow, subject=application)
        filing_documents.submission_receipt(application=application.filing, actor=actor, defer=True)
    return application


def selection_withdraw(*, application, actor, today: date | None = None) -> SelectionApplication:
    """Withdraw a draft, or a submitted application before the window closes; its filing draft goes with it."""
    today = today or timezone.localdate()
    with transaction.atomic():
        process_id = SelectionApplication.objects.filter(pk=application.pk).values_list("process_id", flat=True).get()
        lock = SelectionFlow.lock(process_id) if process_id else transaction.atomic()
        with lock:
            application = _locked(application)
            if not application.organisation.has_member(actor):
                raise PermissionDenied(_("Only the applicant organisation's members withdraw its application."))
            if application.state not in (S.DRAFT, S.SUBMITTED) or today > application.call.window_closes:
                raise ValidationError(_("An application can be withdrawn only until the call's window closes."))
            application.entries.all().delete()
            transition(application, actor, "withdraw", public=True)
            if application.process_id:
                flow_cancel(SelectionFlow, subject=application, actor=actor)
            filing_services.application_withdraw(application=application.filing, actor=actor)
    return application
