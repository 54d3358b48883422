"""Applicant-facing pages and the case page everyone with access shares. Views stay thin."""

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from audits.selectors import timeline_for
from cases.applications import access, forms, services
from cases.assessments.selectors import panel_for_applicant, panel_view
from cases.common.views import audited_download
from cases.documents import views as documents_views
from cases.inspections.selectors import inspection_view
from cases.models import (
    ApplicationState,
    Attachment,
    Deficiency,
    District,
    NoticeObjection,
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


EDIT_FORMS = {"scope": forms.ScopeItemForm, "roster": forms.RosterMemberForm, "venue": forms.VenueForm}


def _edit_rows(application, rows, kind, bound=None):
    """Each row with its own edit form (the bound one, with its errors, when it was just posted)."""
    form_class = EDIT_FORMS[kind]
    result = []
    for row in rows:
        if bound is not None and bound.instance.pk == row.pk:
            form = bound
        else:
            form = form_class(instance=row, application=application, prefix=f"{kind}{row.pk}")
        result.append((row, form))
    return result


def render_case(request, application, *, edit_form=None, answer_form=None, **bound_forms):
    """The case/status page, with any bound (invalid) forms passed back to keep what was typed."""
    user = request.user
    is_applicant = _is_applicant_of(user, application)
    editable = is_applicant and application.is_editable_by_applicant
    section_forms = {
        "scope_form": forms.ScopeItemForm(application=application),
        "roster_form": forms.RosterMemberForm(application=application),
        "venue_form": forms.VenueForm(),
        "attachment_form": forms.AttachmentForm(),
        "populations_form": forms.PopulationsForm(initial={"target_populations": application.target_populations}),
    }
    section_forms.update(bound_forms)
    scope = list(application.scope_items.select_related("occupation"))
    roster = list(application.roster.select_related("occupation"))
    venues = list(application.venues.all())
    deficiencies = list(application.deficiencies.select_related("reply_attachment").order_by("-round", "id"))
    bound_kind = edit_form.prefix.rstrip("0123456789") if edit_form is not None else ""
    context = {
        "application": application,
        "is_applicant": is_applicant,
        "editable": editable,
        "problems": services.application_problems(application) if editable else [],
        "scope": scope,
        "roster": roster,
        "venues": venues,
        "scope_rows": _edit_rows(application, scope, "scope", edit_form if bound_kind == "scope" else None),
        "roster_rows": _edit_rows(application, roster, "roster", edit_form if bound_kind == "roster" else None),
        "venue_rows": _edit_rows(application, venues, "venue", edit_form if bound_kind == "venue" else None),
        "attachments": application.attachments.all(),
        "deficiencies": deficiencies,
        "outstanding": [d for d in deficiencies if d.is_outstanding],
        "answer_forms": {
            d.pk: answer_form
            if answer_form is not None and answer_form.deficiency.pk == d.pk
            else forms.DeficiencyAnswerForm(deficiency=d)
            for d in deficiencies
            if d.is_outstanding
        }
        if editable and application.state == ApplicationState.RETURNED
        else {},
        "supplement_rounds": list(application.supplement_rounds.select_related("returned_by")),
        "resubmission_round": services.resubmission_round(application),
        "documents": _documents_of(application, public_only=is_applicant),
        # The applicant's members read the public events and their own changes; the bureau's people are not named
        # (an expert's name would show on the last score), whatever other role a member holds.
        "timeline": timeline_for(obj=application, public_only=True, organisation=application.organisation)
        if is_applicant
        else timeline_for(obj=application, public_only=False),
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


def _case_url(application, anchor: str) -> str:
    """The case page scrolled to the section just saved (the page keeps its place)."""
    return reverse("applications:detail", args=[application.pk]) + f"#{anchor}"


def _saved_or_rerender(request, application, form_name, form, save, anchor, rerender=None):
    if form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_case_url(application, anchor))
    messages.error(request, _("Please correct the errors below."))
    if rerender is not None:
        return rerender(form)
    return render_case(request, application, **{form_name: form})


ANCHORS = {"scope": "scope", "roster": "roster", "venue": "venues", "attachment": "attachments"}


def _child_add(request, pk, kind, form_name, form_class, form_kwargs=lambda application: {}):
    """Add a scope row, roster member or venue; an invalid form comes back with what was typed."""
    application = _own_editable(request, pk)
    form = form_class(request.POST, **form_kwargs(application))
    return _saved_or_rerender(
        request,
        application,
        form_name,
        form,
        lambda f: services.child_save(application=application, actor=request.user, child=f.save(commit=False)),
        ANCHORS[kind],
    )


@require_POST
def scope_add(request, pk):
    return _child_add(
        request, pk, "scope", "scope_form", forms.ScopeItemForm, form_kwargs=lambda app: {"application": app}
    )


@require_POST
def roster_add(request, pk):
    return _child_add(
        request, pk, "roster", "roster_form", forms.RosterMemberForm, form_kwargs=lambda app: {"application": app}
    )


@require_POST
def venue_add(request, pk):
    return _child_add(request, pk, "venue", "venue_form", forms.VenueForm)


@require_POST
def child_edit(request, pk, kind, child_pk):
    """Change one row of the scope, the roster or the venues in place."""
    application = _own_editable(request, pk)
    if kind not in EDIT_FORMS:
        raise Http404
    child = get_object_or_404(CHILD_MODELS[kind], pk=child_pk, application=application)
    form = EDIT_FORMS[kind](request.POST, instance=child, application=application, prefix=f"{kind}{child.pk}")
    return _saved_or_rerender(
        request,
        application,
        "",
        form,
        lambda f: services.child_save(application=application, actor=request.user, child=f.save(commit=False)),
        f"{kind}-{child.pk}",
        rerender=lambda f: render_case(request, application, edit_form=f),
    )


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
        "attachments",
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
        "populations",
    )


@require_POST
def deficiency_answer(request, pk, deficiency_pk):
    """The applicant answers one deficiency of the returned application."""
    application = _own_editable(request, pk)
    deficiency = get_object_or_404(Deficiency, pk=deficiency_pk, application=application)
    form = forms.DeficiencyAnswerForm(request.POST, request.FILES, deficiency=deficiency)
    return _saved_or_rerender(
        request,
        application,
        "",
        form,
        lambda f: services.deficiency_answer(
            deficiency=deficiency, actor=request.user, reply=f.cleaned_data["reply"], uploaded=f.cleaned_data["file"]
        ),
        f"deficiency-{deficiency.pk}",
        rerender=lambda f: render_case(request, application, answer_form=f),
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
    return redirect(_case_url(application, ANCHORS[kind]))


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
    return documents_views.document_download(request, obj=application, document=document)


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def attachment_preview(request, pk, attachment_pk):
    """An attachment shown inline on the reviewers' pages (PDF in a frame, images as they are)."""
    application = access.access_application(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def objection_evidence(request, pk, objection_pk):
    """The evidence file of an objection, for the regulators who read the case."""
    application = access.access_application(request.user, pk)
    if not access.is_case_reader(request.user):
        raise Http404
    objection = get_object_or_404(NoticeObjection, pk=objection_pk, application=application)
    if not objection.evidence:
        raise Http404
    return audited_download(
        request,
        obj=application,
        field=objection.evidence,
        name=objection.evidence_name or "evidence",
        content_type=objection.evidence_content_type,
        digest=objection.evidence_sha256,
        kind="objection_evidence",
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
        return {
            "inspection_view": None,
            "panel_view": None,
            "applicant_panel": panel_for_applicant(application=application),
        }
    return {
        "inspection_view": inspection_view(application=application, user=user),
        "panel_view": panel_view(application=application, user=user),
        **seat_forms(),
    }
