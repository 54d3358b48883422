"""Complaints about filed bodies: the list and recording one (which opens a case)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.models import Complaint
from cases.registry.views import PAGE_SIZE
from cases.supervision import forms
from cases.supervision.access import require_perm
from cases.supervision.services import cases as supervision

# Complaints


@login_required
def complaint_list(request):
    require_perm(request.user, "cases.view_complaint")
    page = Paginator(
        Complaint.objects.select_related("filing__organisation", "case").order_by("-received_on", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/supervision/complaint_list.html",
        {"page": page, "can_create": request.user.has_perm("cases.add_complaint")},
    )


@login_required
def complaint_create(request):
    require_perm(request.user, "cases.add_complaint")
    form = forms.ComplaintForm(request.POST or None, initial={"filing_number": request.GET.get("filing", "")})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint = supervision.complaint_record(
                    filing=data["filing"],
                    actor=request.user,
                    source=data["source"],
                    content=data["content"],
                    received_on=data["received_on"],
                    complainant=data["complainant"],
                    contact=data["contact"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Complaint recorded; case %(number)s opened.") % {"number": complaint.case.number}
                )
                return redirect("supervision:case", pk=complaint.case_id)
        messages.error(request, _("Please correct the errors below."))
    return render(request, "cases/supervision/complaint_form.html", {"form": form}, status=400 if form.errors else 200)
