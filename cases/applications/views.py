"""Applicant-facing pages and the case page everyone with access shares. Views stay thin."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from audits.selectors import timeline_for
from cases.applications import access, forms, services
from cases.assessments.selectors import panel_view
from cases.common.views import audited_download
from cases.inspections.selectors import inspection_view
from cases.models import (
    ApplicationState,
    Attachment,
    District,
    RosterMember,
    ScopeItem,
    Venue,
)
from cases.models.documents import GeneratedDocument
from workflow import roles
from workflow.selectors import open_tasks_of


class ApplicationListView(LoginRequiredMixin, View):
    def get(self, request):
        qs = access.visible_applications(request.user).select_related("organisation__district")
        state, district = request.GET.get("state", ""), request.GET.get("district", "")
        if state:
            qs = qs.filter(state=state)
        if district:
            qs = qs.filter(organisation__district__code=district)
        page = Paginator(qs.order_by("-created_at"), 25).get_page(request.GET.get("page"))
        return render(
            request,
            "cases/applications/list.html",
            {
                "page": page,
                "states": ApplicationState.choices,
                "districts": District.objects.all(),
                "state": state,
                "district": district,
                "can_create": roles.has_role(request.user, roles.APPLICANT) and request.user.organisations.exists(),
            },
        )


@require_POST
def application_create(request):
    if not roles.has_role(request.user, roles.APPLICANT):
        raise PermissionDenied
    organisation = access.access_own_organisation(request.user)
    try:
        application = services.application_create(organisation=organisation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("applications:index")
    messages.success(
        request, _("Draft %(number)s created. Fill in each section, then submit.") % {"number": application}
    )
    return redirect("applications:detail", pk=application.pk)


def _documents_of(application, *, public_only):
    types = ContentType.objects.get_for_models(type(application))
    qs = GeneratedDocument.objects.filter(content_type=types[type(application)], object_id=str(application.pk))
    filing = getattr(application, "filing", None) if application.state == ApplicationState.FILED else None
    if filing:
        filing_type = ContentType.objects.get_for_model(filing)
        qs = qs | GeneratedDocument.objects.filter(content_type=filing_type, object_id=str(filing.pk))
    return qs.filter(public=True) if public_only else qs


def _is_applicant_of(user, application) -> bool:
    return application.organisation.has_member(user)


def render_case(request, application, **bound_forms):
    """The case/status page, with any bound (invalid) forms passed back to keep what was typed."""
    user = request.user
    is_applicant = _is_applicant_of(user, application)
    editable = is_applicant and application.is_editable_by_applicant
    section_forms = {
        "scope_form": forms.ScopeItemForm(application=application),
        "roster_form": forms.RosterMemberForm(),
        "venue_form": forms.VenueForm(),
        "attachment_form": forms.AttachmentForm(),
        "populations_form": forms.PopulationsForm(initial={"target_populations": application.target_populations}),
    }
    section_forms.update(bound_forms)
    context = {
        "application": application,
        "is_applicant": is_applicant,
        "editable": editable,
        "problems": services.application_problems(application) if editable else [],
        "scope": application.scope_items.select_related("occupation"),
        "roster": application.roster.select_related("occupation"),
        "venues": application.venues.all(),
        "attachments": application.attachments.all(),
        "deficiencies": application.deficiencies.order_by("-round", "id"),
        "documents": _documents_of(application, public_only=is_applicant),
        "timeline": timeline_for(obj=application, public_only=is_applicant and not access.is_case_reader(user)),
        "open_tasks": []
        if is_applicant or not application.process_id
        else open_tasks_of(process_id=application.process_id),
        **case_sections(application=application, user=user, is_applicant=is_applicant),
        **section_forms,
    }
    return render(request, "cases/applications/detail.html", context)


def application_detail(request, pk):
    return render_case(request, access.access_application(request.user, pk))


def _own_editable(request, pk):
    return access.access_own_application(request.user, pk)


def _saved_or_rerender(request, application, form_name, form, save):
    if form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("applications:detail", pk=application.pk)
    messages.error(request, _("Please correct the errors below."))
    return render_case(request, application, **{form_name: form})


def _child_add(request, pk, form_name, form_class, form_kwargs=lambda application: {}):
    """Add a scope row, roster member or venue; an invalid form comes back with what was typed."""
    application = _own_editable(request, pk)
    form = form_class(request.POST, **form_kwargs(application))
    return _saved_or_rerender(
        request,
        application,
        form_name,
        form,
        lambda f: services.child_save(application=application, actor=request.user, child=f.save(commit=False)),
    )


@require_POST
def scope_add(request, pk):
    return _child_add(request, pk, "scope_form", forms.ScopeItemForm, form_kwargs=lambda app: {"application": app})


@require_POST
def roster_add(request, pk):
    return _child_add(request, pk, "roster_form", forms.RosterMemberForm)


@require_POST
def venue_add(request, pk):
    return _child_add(request, pk, "venue_form", forms.VenueForm)


@require_POST
def attachment_add(request, pk):
    application = _own_editable(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    return _saved_or_rerender(
        request,
        application,
        "attachment_form",
        form,
        lambda f: services.attachment_add(
            application=application, actor=request.user, kind=f.cleaned_data["kind"], uploaded=f.cleaned_data["file"]
        ),
    )


@require_POST
def populations_update(request, pk):
    application = _own_editable(request, pk)
    form = forms.PopulationsForm(request.POST)
    return _saved_or_rerender(
        request,
        application,
        "populations_form",
        form,
        lambda f: services.application_update(
            application=application, actor=request.user, target_populations=f.cleaned_data["target_populations"]
        ),
    )


CHILD_MODELS = {"scope": ScopeItem, "roster": RosterMember, "venue": Venue, "attachment": Attachment}


@require_POST
def child_delete(request, pk, kind, child_pk):
    application = _own_editable(request, pk)
    model = CHILD_MODELS.get(kind)
    if model is None:
        raise Http404
    child = get_object_or_404(model, pk=child_pk, application=application)
    try:
        services.child_delete(application=application, actor=request.user, child=child)
        messages.success(request, _("Removed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("applications:detail", pk=application.pk)


@require_POST
def application_submit(request, pk):
    application = _own_editable(request, pk)
    try:
        services.application_submit(application=application, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Submitted. The bureau will review the application."))
    return redirect("applications:detail", pk=application.pk)


@require_POST
def application_withdraw(request, pk):
    application = _own_editable(request, pk)
    try:
        services.application_withdraw(application=application, actor=request.user)
        messages.success(request, _("The application has been withdrawn."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("applications:detail", pk=application.pk)


def document_download(request, pk, doc_pk):
    application = access.access_application(request.user, pk)
    is_applicant = _is_applicant_of(request.user, application)
    document = get_object_or_404(_documents_of(application, public_only=is_applicant), pk=doc_pk)
    return audited_download(
        request,
        obj=application,
        field=document.file,
        name=f"{document.title}.pdf",
        content_type="application/pdf",
        digest=document.sha256,
        kind=document.kind,
    )


def attachment_download(request, pk, attachment_pk):
    application = access.access_application(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    return audited_download(
        request,
        obj=application,
        field=attachment.file,
        name=attachment.original_name,
        content_type=attachment.content_type,
        digest=attachment.sha256,
        kind=attachment.kind,
    )


def case_sections(*, application, user, is_applicant: bool) -> dict:
    """The case page's inspection and assessment sections (applicants see neither)."""
    from cases.draws.forms import seat_forms

    if is_applicant:
        return {"inspection_view": None, "panel_view": None}
    return {
        "inspection_view": inspection_view(application=application, user=user),
        "panel_view": panel_view(application=application, user=user),
        **seat_forms(),
    }
