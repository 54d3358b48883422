"""The pages of the inspection steps of the filing flow: planning (drawing the team) and the site inspection."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cases.applications.forms import ActualDateForm
from cases.draws import forms as draw_forms
from cases.inspections import forms, selectors
from cases.inspections import services as inspections
from cases.models import SiteInspection
from workflow.flows.filing import FilingFlow
from workflow.steps import Action, Step, register

SAVE_ACTION = "save"


def plan(form, application, user):
    return inspections.inspection_plan(
        application=application,
        actor=user,
        planned_date=form.cleaned_data["planned_date"],
        team_size=form.cleaned_data["team_size"],
    )


def inspection_form_kwargs(request, task, application) -> dict:
    signing = request.method == "POST" and request.POST.get("action") != SAVE_ACTION
    return {
        "inspection": application.inspections.first(),
        "can_sign": task.owner_id == request.user.pk,
        "signing": signing,
    }


SEAT_NOTICE = "cases/draws/_task_seat.html"


def inspection_context(request, task, application) -> dict:
    inspection = application.inspections.first()
    view = selectors.inspection_view(application=application, inspection=inspection, user=request.user)
    Conclusion = SiteInspection.Conclusion
    return {
        "inspection_view": view,
        "seat": view.own_seat,
        "step_notice": SEAT_NOTICE,
        "step_blocked": task.owner_id == request.user.pk and not view.may_record,
        "sign_off_problems": inspections.team_problems(inspection),
        "basically_share": settings.INSPECTION_BASICALLY_MEETS_SHARE,
        "actual_date_form": ActualDateForm(
            initial={
                "actual_date": inspection.actual_date or inspection.planned_date,
                "actual_date_reason": inspection.actual_date_reason,
            }
        ),
        "date_problem": inspections.date_problem(
            planned=inspection.planned_date, actual=inspection.actual_date, today=timezone.localdate()
        ),
        "aside": "cases/inspections/steps/_actual_date.html",
        "conclusion_labels": {
            **{value: str(label) for value, label in Conclusion.choices},
            "incomplete": str(_("record every item first")),
        },
        **draw_forms.seat_forms(),
    }


def inspect(form, application, user):
    blocking = inspections.team_problems(form.inspection)
    if blocking:
        # Keep what the leader typed and photographed; only the signature has to wait.
        save_findings(form, application, user)
        raise ValidationError([*blocking, _("Your findings have been saved; sign once the team is complete.")])
    entries = form.entries()
    return inspections.inspection_record(
        application=application,
        actor=user,
        results={code: (entry.result, entry.note) for code, entry in entries.items()},
        photos={code: entry.photos for code, entry in entries.items() if entry.photos},
        conclusion=form.cleaned_data["conclusion"],
        reason=form.cleaned_data.get("conclusion_reason", ""),
        summary=form.cleaned_data.get("summary", ""),
    )


def record_actual_date(form, application, user):
    return inspections.inspection_actual_date_record(
        inspection=application.inspections.first(),
        actor=user,
        actual_date=form.cleaned_data["actual_date"],
        reason=form.cleaned_data["actual_date_reason"],
    )


def save_findings(form, application, user):
    return inspections.inspection_findings_save(inspection=form.inspection, actor=user, entries=form.entries())


register(
    Step(
        FilingFlow.plan_inspection,
        forms.InspectionPlanForm,
        "cases/inspections/steps/plan_inspection.html",
        plan,
        _lazy("Inspection planned and team drawn. The case page shows who was drawn and their answers."),
        submit_label=_lazy("Draw the team"),
    )
)
register(
    Step(
        FilingFlow.site_inspection,
        forms.ChecklistForm,
        "cases/inspections/steps/site_inspection.html",
        inspect,
        _lazy("Inspection report signed."),
        form_kwargs=inspection_form_kwargs,
        context=inspection_context,
        submit_label=_lazy("Sign the report"),
        actions={
            SAVE_ACTION: Action(
                forms.ChecklistForm,
                save_findings,
                _lazy("Findings saved."),
                form_kwargs=inspection_form_kwargs,
                label=_lazy("Save findings"),
            ),
            "actual_date": Action(ActualDateForm, record_actual_date, _lazy("Actual inspection date recorded.")),
        },
    )
)
