"""The public selection pages (/selections/): no login. Published calls with their documents and amendments,
the list on publication with online objections, the final result."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.common.ratelimit import seconds_until_allowed
from cases.models import CallState
from cases.selection import forms, selectors
from cases.selection.services import publication


@require_GET
def call_list(request):
    today = timezone.localdate()
    rows = [(call, selectors.call_phase(call, today)) for call in selectors.public_calls()]
    return render(request, "public/selection/calls.html", {"rows": rows, "phases": selectors.PHASES})


def _call_or_404(number):
    call = selectors.public_call(number=number)
    if call is None:
        raise Http404(_("No published call has this number."))
    return call


def _render_call(request, call, form=None, status=200):
    today = timezone.localdate()
    phase = selectors.call_phase(call, today)
    listed = call.state in (CallState.LISTED, CallState.CONCLUDED)
    context = {
        "call": call,
        "phase": phase,
        "phases": selectors.PHASES,
        "window_days": selectors.window_working_days(call),
        "criteria": call.rubric.criteria.all(),
        "amendments": call.amendments.all(),
        "documents": selectors.documents_of(call, public_only=True).filter(rendered_at__isnull=False),
        "ranking": selectors.stored_ranking(call) if listed else None,
        "accepts_objections": phase == "publication",
        "form": form or (forms.ObjectionForm(call=call) if phase == "publication" else None),
    }
    return render(request, "public/selection/call.html", context, status=status)


def _rate_limited(request) -> int:
    return seconds_until_allowed(
        request,
        scope="selection_objection",
        limit=getattr(settings, "OBJECTION_RATE_LIMIT", 5),
        window=getattr(settings, "OBJECTION_RATE_WINDOW", 3600),
    )


@require_http_methods(["GET", "POST"])
def call_detail(request, number):
    call = _call_or_404(number)
    if request.method != "POST":
        return _render_call(request, call)
    form = forms.ObjectionForm(request.POST, request.FILES, call=call)
    wait = _rate_limited(request)  # every attempt counts, valid or not
    if wait:
        messages.error(
            request, _("Too many objections from this address; try again in %(seconds)d seconds.") % {"seconds": wait}
        )
        return _render_call(request, call, form, status=429)
    if not form.is_valid():
        return _render_call(request, call, form, status=400)
    try:
        publication.objection_submit(
            call=call,
            raised_by=form.cleaned_data["raised_by"],
            contact=form.cleaned_data["contact"],
            content=form.cleaned_data["content"],
            application_id=form.cleaned_data["concerning"] or None,
            evidence=form.cleaned_data.get("evidence"),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render_call(request, call, form, status=400)
    messages.success(
        request, _("Your objection has been received; the bureau answers it before the selection is final.")
    )
    return redirect("selections:detail", number=call.number)


@require_GET
def call_document(request, number, doc_pk):
    """A published call's document (the call, its amendments, the list on publication): public, as printed."""
    call = _call_or_404(number)
    documents = selectors.documents_of(call, public_only=True).filter(rendered_at__isnull=False)
    document = get_object_or_404(documents, pk=doc_pk)
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.download_name, content_type="application/pdf"
    )
