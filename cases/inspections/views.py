"""Pages of the draws: the drawn person's seats and answers, the team's inspection page, photos,
the chief's draw history with replay, the pools, the checklist and rubric versions. Views stay thin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from cases.applications import access
from cases.common.views import error_message
from cases.draws import forms as draw_forms
from cases.inspections import forms, selectors
from cases.inspections import services as inspection_services
from cases.models import InspectionPhoto
from workflow.flows.filing import FilingFlow
from workflow.tasks import OPEN

# The inspection team's page


def _inspection_for(request, pk):
    """The case's current inspection, for its team, its panel's experts and the case readers."""
    application = access.access_application(request.user, pk)
    inspection = application.inspections.first()
    if inspection is None:
        raise Http404
    user = request.user
    on_team = inspection.members.filter(pk=user.pk).exists() or inspection.leader_id == user.pk
    on_panel = application.panels.filter(scores__expert=user).exists()
    if not (on_team or on_panel or access.is_case_reader(user)):
        raise Http404
    return application, inspection


@login_required
def inspection_page(request, pk):
    application, inspection = _inspection_for(request, pk)
    view = selectors.inspection_view(application=application, inspection=inspection, user=request.user)
    form = None
    if view.may_record:
        saving = request.method == "POST"
        form = forms.ChecklistForm(
            request.POST if saving else None, request.FILES if saving else None, inspection=inspection
        )
        if saving:
            if form.is_valid():
                try:
                    inspection_services.inspection_findings_save(
                        inspection=inspection, actor=request.user, entries=form.entries()
                    )
                    messages.success(request, _("Findings saved."))
                    return redirect("applications:inspection", pk=application.pk)
                except (ValidationError, PermissionDenied) as error:
                    messages.error(request, error_message(error))
            else:
                messages.error(request, _("Please correct the errors below."))
    elif request.method == "POST":
        raise PermissionDenied
    leader_task = _open_leader_task(application) if view.is_leader else None
    return render(
        request,
        "cases/inspections/inspection_page.html",
        {
            "application": application,
            "inspection_view": view,
            "form": form,
            "leader_task": leader_task,
            "confirm_form": draw_forms.SeatConfirmForm(),
            "decline_form": draw_forms.SeatDeclineForm(),
            "release_form": draw_forms.SeatReleaseForm(),
        },
    )


def _open_leader_task(application):
    return Task.objects.filter(
        process_id=application.process_id, flow_task=FilingFlow.site_inspection, status__in=OPEN
    ).first()


@login_required
def inspection_photo(request, pk, photo_pk, variant):
    application, inspection = _inspection_for(request, pk)
    photo = get_object_or_404(InspectionPhoto, pk=photo_pk, finding__inspection__application=application)
    field = photo.thumbnail if variant == "thumb" else photo.file
    content_type = "image/jpeg" if variant == "thumb" else photo.content_type
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
