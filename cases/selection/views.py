"""The signed-in pages of the public selection: the bureau's calls, an organisation's application. Views stay thin:
form -> access helper -> service -> redirect; every refusal is a message or a form error."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.selectors import timeline_for
from cases.applications.forms import AttachmentForm, PopulationsForm, RosterMemberForm, VenueForm
from cases.common.views import audited_download, error_message
from cases.documents.views import document_download
from cases.models import Attachment, CallState, RosterMember, ScopeItem, SelectionObjection, Venue
from cases.selection import access, forms, selectors
from cases.selection import panel as panels
from cases.selection.eligibility import conditions, selection_problems
from cases.selection.services import applications as apply
from cases.selection.services import calls, publication
from workflow import roles
from workflow.selectors import open_tasks_of


def _refused(request, error) -> None:
    for message in getattr(error, "messages", None) or [error_message(error)]:
        messages.error(request, message)


# The bureau's calls


@login_required
def call_list(request):
    """The bureau's calls; an organisation's member lands on the calls open to it, an expert on the scoring
    tasks in their inbox."""
    if not access.is_reader(request.user):
        if roles.has_role(request.user, roles.APPLICANT):
            return redirect("selection:mine")
        if roles.has_role(request.user, roles.EXPERT):
            return redirect(f"{reverse('tasks:inbox')}?kind=selection")
        raise Http404
    today = timezone.localdate()
    rows = [(call, selectors.call_phase(call, today)) for call in selectors.calls_for_bureau()]
    return render(
        request,
        "cases/selection/calls.html",
        {"rows": rows, "phases": selectors.PHASES, "may_manage": access.may_manage(request.user)},
    )


@login_required
def call_create(request):
    if not access.may_manage(request.user):
        raise Http404
    form = forms.CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = calls.call_create(actor=request.user, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Draft call %(number)s created: add the occupations and levels wanted, then publish.")
                % {"number": call},
            )
            return redirect("selection:call", pk=call.pk)
    return render(request, "cases/selection/call_form.html", {"form": form})


def _call_page(request, call, **bound):
    user, today = request.user, timezone.localdate()
    is_draft = call.state == CallState.DRAFT
    may_manage = access.may_manage(user)
    panel = getattr(call, "panel", None) if not is_draft else None
    ranking = None
    if call.state in (CallState.LISTED, CallState.CONCLUDED):
        ranking = selectors.stored_ranking(call)
    elif panel is not None:
        ranking = selectors.call_ranking(call)
    context = {
        "call": call,
        "phase": selectors.call_phase(call, today),
        "phases": selectors.PHASES,
        "window_days": selectors.window_working_days(call),
        "lots": call.lots.select_related("occupation"),
        "criteria": call.rubric.criteria.all(),
        "amendments": call.amendments.select_related("made_by"),
        "documents": selectors.documents_of(call),
        "applications": selectors.applications_of(call),
        "panel": panel,
        "replay": panels.panel_replay(panel) if panel else None,
        "ranking": ranking,
        "objections": call.objections.select_related("application__organisation", "recorded_by", "resolved_by"),
        "may_manage": may_manage,
        "may_conduct": user.has_perm("cases.conduct_selection"),
        "amendable": may_manage and call.amendable_on(today),
        "edit_form": bound.get("edit_form") or (forms.CallForm(instance=call) if is_draft and may_manage else None),
        "lot_form": bound.get("lot_form") or (forms.LotForm() if is_draft and may_manage else None),
        "objection_form": bound.get("objection_form")
        or (forms.RecordObjectionForm(call=call) if call.state == CallState.LISTED else None),
        "resolve_form": forms.ResolveObjectionForm(),
        "timeline": timeline_for(obj=call, public_only=False),
    }
    return render(request, "cases/selection/call_detail.html", context)


@login_required
def call_detail(request, pk):
    return _call_page(request, access.access_call(request.user, pk))


@login_required
@require_POST
def call_edit(request, pk):
    call = access.access_call_to_manage(request.user, pk)
    form = forms.CallForm(request.POST, instance=selectors.calls_for_bureau().get(pk=call.pk))
    if form.is_valid():
        try:
            calls.call_update(call=call, actor=request.user, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("selection:call", pk=call.pk)
    messages.error(request, _("Please correct the errors below."))
    return _call_page(request, access.access_call(request.user, pk), edit_form=form)


@login_required
@require_POST
def lot_add(request, pk):
    call = access.access_call_to_manage(request.user, pk)
    form = forms.LotForm(request.POST)
    if form.is_valid():
        try:
            calls.lot_set(call=call, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{call_url(call)}#lots")
    messages.error(request, _("Please correct the errors below."))
    return _call_page(request, call, lot_form=form)


def call_url(call) -> str:
    return reverse("selection:call", args=[call.pk])


@login_required
@require_POST
def lot_remove(request, pk, lot_pk):
    call = access.access_call_to_manage(request.user, pk)
    lot = get_object_or_404(call.lots, pk=lot_pk)
    try:
        calls.lot_remove(call=call, actor=request.user, lot=lot)
        messages.success(request, _("Removed."))
    except ValidationError as error:
        _refused(request, error)
    return redirect(f"{call_url(call)}#lots")


@login_required
@require_POST
def call_publish(request, pk):
    call = access.access_call_to_manage(request.user, pk)
    try:
        calls.call_publish(call=call, actor=request.user)
        messages.success(request, _("Call %(number)s is published on the public selection page.") % {"number": call})
    except ValidationError as error:
        _refused(request, error)
    return redirect("selection:call", pk=call.pk)


@login_required
def call_amend(request, pk):
    call = access.access_call_to_manage(request.user, pk)
    today = timezone.localdate()
    if not call.amendable_on(today):
        messages.error(request, _("A call can be amended only while published and before its window opens."))
        return redirect("selection:call", pk=call.pk)
    initial_lots = [
        {"occupation": lot.occupation, "level": lot.level, "quota": lot.quota}
        for lot in call.lots.select_related("occupation")
    ]
    form = forms.AmendForm(request.POST or None, instance=selectors.calls_for_bureau().get(pk=call.pk))
    lots = forms.LotFormSet(request.POST or None, initial=initial_lots, prefix="lots")
    if request.method == "POST" and form.is_valid() and lots.is_valid():
        try:
            calls.call_amend(
                call=call,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                fields=form.values(),
                lots=forms.lots_of(lots),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The amendment is published with the call's change history."))
            return redirect("selection:call", pk=call.pk)
    return render(request, "cases/selection/call_amend.html", {"call": call, "form": form, "lots": lots})


@login_required
@require_POST
def objection_record(request, pk):
    call = access.access_call(request.user, pk)
    form = forms.RecordObjectionForm(request.POST, call=call)
    if form.is_valid():
        try:
            publication.objection_record(
                call=call,
                actor=request.user,
                raised_by=form.cleaned_data["raised_by"],
                contact=form.cleaned_data["contact"],
                content=form.cleaned_data["content"],
                application_id=form.cleaned_data["concerning"] or None,
            )
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
        else:
            messages.success(request, _("Objection recorded."))
            return redirect(f"{call_url(call)}#objections")
    else:
        messages.error(request, _("Please correct the errors below."))
    return _call_page(request, call, objection_form=form)


@login_required
@require_POST
def objection_resolve(request, pk):
    call = access.access_call(request.user, pk)
    form = forms.ResolveObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe how the objection was resolved."))
        return redirect(f"{call_url(call)}#objections")
    objection = get_object_or_404(SelectionObjection, pk=form.cleaned_data["objection"], call=call)
    try:
        publication.objection_resolve(
            objection=objection, actor=request.user, resolution=form.cleaned_data["resolution"]
        )
        messages.success(request, _("Objection resolved."))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    return redirect(f"{call_url(call)}#objections")


@login_required
def objection_evidence(request, pk, objection_pk):
    call = access.access_call(request.user, pk)
    objection = get_object_or_404(SelectionObjection, pk=objection_pk, call=call)
    if not objection.evidence:
        raise Http404
    return audited_download(
        request,
        obj=call,
        field=objection.evidence,
        name=objection.evidence_name,
        content_type=objection.evidence_content_type,
        digest=objection.evidence_sha256,
        kind="objection_evidence",
    )


@login_required
def call_document(request, pk, doc_pk):
    call = access.access_call(request.user, pk)
    document = get_object_or_404(selectors.documents_of(call), pk=doc_pk, rendered_at__isnull=False)
    return document_download(request, obj=call, document=document)


# The organisation's applications


@login_required
def my_selections(request):
    """The calls an organisation can apply to now, and its applications."""
    user = request.user
    if not roles.has_role(user, roles.APPLICANT):
        raise Http404
    today = timezone.localdate()
    organisation = user.organisations.first()
    mine = list(selectors.own_applications(user))
    applied = {application.call_id for application in mine if application.state != "withdrawn"}
    calls_open = [
        (call, selectors.call_phase(call, today), call.pk in applied)
        for call in selectors.open_calls_for_applicants(today)
    ]
    return render(
        request,
        "cases/selection/mine.html",
        {"calls": calls_open, "applications": mine, "organisation": organisation, "phases": selectors.PHASES},
    )


@login_required
@require_POST
def apply_to(request, call_pk):
    organisation = access.access_own_organisation(request.user)
    call = get_object_or_404(selectors.public_calls(), pk=call_pk)
    try:
        application = apply.selection_application_create(call=call, organisation=organisation, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        return redirect("selection:mine")
    messages.success(
        request,
        _("Application %(number)s started: complete each section and the declared facts, then submit.")
        % {"number": application},
    )
    return redirect("selection:application", pk=application.pk)


def _application_page(request, application, **bound):
    user, today = request.user, timezone.localdate()
    is_member = application.organisation.has_member(user)
    editable = is_member and application.is_editable
    filing = application.filing
    section_forms = {}
    if editable:
        section_forms = {
            "scope_form": forms.CallScopeItemForm(application=filing, call=application.call),
            "roster_form": RosterMemberForm(application=filing),
            "venue_form": VenueForm(),
            "attachment_form": AttachmentForm(),
            "populations_form": PopulationsForm(initial={"target_populations": filing.target_populations}),
            "facts_form": forms.DeclarationForm(
                initial={
                    "established_on": application.established_on,
                    "good_credit": application.good_credit,
                    "clean_record": application.clean_record,
                    "truthful": application.truthful,
                }
            ),
        }
        section_forms.update(bound)
    material = selectors.application_material(application)
    is_expert_only = not is_member and not access.is_reader(user)
    context = {
        **material,
        "application": application,
        "is_member": is_member,
        "editable": editable,
        "problems": selection_problems(application, today) if editable else [],
        "conditions": conditions(application, today) if access.is_reader(user) else [],
        "window_phase": application.call.window_phase(today),
        "withdrawable": is_member
        and application.state in ("draft", "submitted")
        and today <= application.call.window_closes,
        "documents": [] if is_expert_only else selectors.documents_of(application, filing, public_only=is_member),
        # The organisation's members read the public events and their own changes; the bureau's people are not
        # named (an expert's name would show on a score), whatever other role a member holds.
        "timeline": []
        if is_expert_only
        else timeline_for(obj=application, public_only=True, organisation=application.organisation)
        if is_member
        else timeline_for(obj=application, public_only=False),
        "open_tasks": open_tasks_of(process_id=application.process_id)
        if application.process_id and access.is_reader(user)
        else [],
        **section_forms,
    }
    return render(request, "cases/selection/application.html", context)


@login_required
def application_detail(request, pk):
    return _application_page(request, access.access_application(request.user, pk))


def _saved_or_again(request, application, name, form, save, anchor):
    if form.is_valid():
        try:
            save(form)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{application_url(application)}#{anchor}")
    messages.error(request, _("Please correct the errors below."))
    return _application_page(request, application, **{name: form})


def application_url(application) -> str:
    return reverse("selection:application", args=[application.pk])


def _own(request, pk):
    return access.access_own_application(request.user, pk)


def _section_add(request, pk, name: str, make_form, anchor: str):
    """Add a scope row, roster member or venue to the application's filing draft; errors come back with the form."""
    application = _own(request, pk)
    form = make_form(request.POST, application)
    return _saved_or_again(
        request,
        application,
        name,
        form,
        lambda f: apply.section_save(application=application, actor=request.user, child=f.save(commit=False)),
        anchor,
    )


@login_required
@require_POST
def scope_add(request, pk):
    def make(data, application):
        return forms.CallScopeItemForm(data, application=application.filing, call=application.call)

    return _section_add(request, pk, "scope_form", make, "scope")


@login_required
@require_POST
def roster_add(request, pk):
    return _section_add(
        request,
        pk,
        "roster_form",
        lambda data, application: RosterMemberForm(data, application=application.filing),
        "roster",
    )


@login_required
@require_POST
def venue_add(request, pk):
    return _section_add(request, pk, "venue_form", lambda data, application: VenueForm(data), "venues")


@login_required
@require_POST
def attachment_add(request, pk):
    application = _own(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    return _saved_or_again(
        request,
        application,
        "attachment_form",
        form,
        lambda f: apply.attachment_add(
            application=application, actor=request.user, kind=f.cleaned_data["kind"], uploaded=f.cleaned_data["file"]
        ),
        "attachments",
    )


@login_required
@require_POST
def populations_update(request, pk):
    application = _own(request, pk)
    form = PopulationsForm(request.POST)
    return _saved_or_again(
        request,
        application,
        "populations_form",
        form,
        lambda f: apply.populations_update(
            application=application, actor=request.user, target_populations=f.cleaned_data["target_populations"]
        ),
        "populations",
    )


@login_required
@require_POST
def facts_declare(request, pk):
    application = _own(request, pk)
    form = forms.DeclarationForm(request.POST)
    return _saved_or_again(
        request,
        application,
        "facts_form",
        form,
        lambda f: apply.facts_declare(application=application, actor=request.user, **f.cleaned_data),
        "facts",
    )


SECTION_MODELS = {"scope": ScopeItem, "roster": RosterMember, "venue": Venue, "attachment": Attachment}


@login_required
@require_POST
def section_delete(request, pk, kind, child_pk):
    application = _own(request, pk)
    model = SECTION_MODELS.get(kind)
    if model is None:
        raise Http404
    child = get_object_or_404(model, pk=child_pk, application=application.filing)
    try:
        apply.section_delete(application=application, actor=request.user, child=child)
        messages.success(request, _("Removed."))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    return redirect(application_url(application))


@login_required
@require_POST
def application_submit(request, pk):
    application = _own(request, pk)
    try:
        apply.selection_submit(application=application, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("Submitted. The bureau checks eligibility after the window closes on %(date)s.")
            % {"date": application.call.window_closes.isoformat()},
        )
    return redirect(application_url(application))


@login_required
@require_POST
def application_withdraw(request, pk):
    application = _own(request, pk)
    try:
        apply.selection_withdraw(application=application, actor=request.user)
        messages.success(request, _("The application has been withdrawn."))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    return redirect(application_url(application))


@login_required
def application_document(request, pk, doc_pk):
    application = access.access_application(request.user, pk)
    is_member = application.organisation.has_member(request.user)
    if not is_member and not access.is_reader(request.user):
        raise Http404
    documents = selectors.documents_of(application, application.filing, public_only=is_member)
    document = get_object_or_404(documents, pk=doc_pk, rendered_at__isnull=False)
    return document_download(request, obj=application, document=document)


@login_required
def attachment_download(request, pk, attachment_pk):
    application = access.access_application(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application.filing)
    return audited_download(
        request,
        obj=application,
        field=attachment.file,
        name=attachment.original_name,
        content_type=attachment.content_type,
        digest=attachment.sha256,
        kind=attachment.kind,
    )
