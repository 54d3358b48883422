"""The body's assessment plans: list, create, detail, and opening the results report of a plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.certificates import access
from cases.certificates.forms import AssessmentPlanForm, certifiable_scope_rows
from cases.certificates.services import batches as services
from cases.certificates.services import plans as plans_services
from cases.certificates.views.batches import _body_organisations, _paged
from cases.common.views import error_message
from cases.models import (
    District,
    ResultBatch,
)


def _can_plan(user) -> bool:
    """Whether the user's body has anything it may certify today (an active filing with an unsuspended row)."""
    return certifiable_scope_rows(organisations=_body_organisations(user), today=timezone.localdate()).exists()


# Assessment plans


@login_required
def plan_list(request):
    plans = access.visible_plans(request.user).select_related("organisation__district", "occupation", "filing", "batch")
    district = request.GET.get("district", "")
    if district:
        plans = plans.filter(organisation__district__code=district)
    return render(
        request,
        "cases/certificates/plan_list.html",
        {
            "page": _paged(request, plans.order_by("-assessment_date", "-pk")),
            "districts": District.objects.all(),
            "district": district,
            "can_create": _can_plan(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
def plan_create(request):
    organisations = _body_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = AssessmentPlanForm(
        request.POST or None, organisations=organisations, initial={"assessment_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = plans_services.assessment_plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Assessment plan %(number)s recorded. Report the results by %(date)s.")
                % {"number": plan.number, "date": plan.results_due.isoformat()},
            )
            return redirect("certificates:plan_detail", pk=plan.pk)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    return render(request, "cases/certificates/plan_form.html", {"form": form, "can_create": _can_plan(request.user)})


@login_required
def plan_detail(request, pk):
    plan = access.access_plan(request.user, pk)
    today = timezone.localdate()
    batch = ResultBatch.objects.filter(plan=plan).first()
    is_member = access.is_body_user(request.user) and plan.organisation.has_member(request.user)
    return render(
        request,
        "cases/certificates/plan_detail.html",
        {
            "plan": plan,
            "batch": batch,
            "examiners": plan.examiners.select_related("occupation"),
            "is_member": is_member,
            "can_report": is_member and batch is None and today >= plan.assessment_date,
            "today": today,
        },
    )


@login_required
@require_POST
def batch_create(request, pk):
    plan = access.access_plan(request.user, pk)
    try:
        batch = services.result_batch_create(plan=plan, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_message(error))
        return redirect("certificates:plan_detail", pk=plan.pk)
    messages.success(request, _("Results report %(number)s opened: import the results file.") % {"number": batch})
    return redirect("certificates:batch_detail", pk=batch.pk)
