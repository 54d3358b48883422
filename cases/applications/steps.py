"""What each human step of the filing flow shows and does: form, template, service call."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from cases.applications import forms
from cases.applications import services as application_services
from cases.assessments import forms as assessment_forms
from cases.assessments import steps as assessment_steps
from cases.inspections import forms as inspection_forms
from cases.inspections import steps as inspection_steps
from workflow.flows.filing import FilingFlow


def _review(form, application, user):
    outcome = form.cleaned_data["outcome"]
    if outcome == forms.ReviewForm.ACCEPT:
        return application_services.application_accept(application=application, actor=user)
    if outcome == forms.ReviewForm.RETURN:
        return application_services.application_return(
            application=application, actor=user, deficiencies=form.deficiency_list()
        )
    return application_services.application_reject_ineligible(
        application=application, actor=user, reasons=form.cleaned_data["reasons"]
    )


def _decide(form, application, user):
    return application_services.application_decide(
        application=application,
        actor=user,
        decision=form.cleaned_data["decision"],
        reasons=form.cleaned_data["reasons"],
    )


def _register(form, application, user):
    return application_services.application_register(application=application, actor=user)


@dataclass(frozen=True)
class Step:
    title: Any
    form_class: type
    template: str
    perform: Any
    done_message: Any
    # Optional: (request, task, application) -> extra form arguments / extra page context.
    form_kwargs: Any = None
    context: Any = None
    submit_label: Any = None
    # Optional second button: save what the form holds without completing the step.
    save: Any = None
    save_label: Any = None
    saved_message: Any = None


STEPS = {
    FilingFlow.review.name: Step(
        _("Completeness review"),
        forms.ReviewForm,
        "cases/applications/steps/review.html",
        _review,
        _("Review recorded."),
    ),
    FilingFlow.plan_inspection.name: Step(
        _("Plan site inspection"),
        inspection_forms.InspectionPlanForm,
        "cases/inspections/steps/plan_inspection.html",
        inspection_steps.plan,
        _("Inspection planned and team drawn. The case page shows who was drawn and their answers."),
        submit_label=_("Draw the team"),
    ),
    FilingFlow.site_inspection.name: Step(
        _("Site inspection"),
        inspection_forms.ChecklistForm,
        "cases/inspections/steps/site_inspection.html",
        inspection_steps.inspect,
        _("Inspection report signed."),
        form_kwargs=inspection_steps.inspection_form_kwargs,
        context=inspection_steps.inspection_context,
        submit_label=_("Sign the report"),
        save=inspection_steps.save_findings,
        save_label=_("Save findings"),
        saved_message=_("Findings saved."),
    ),
    FilingFlow.draw_panel.name: Step(
        _("Draw expert panel"),
        assessment_forms.PanelDrawForm,
        "cases/assessments/steps/draw_panel.html",
        assessment_steps.draw_panel,
        _("Expert panel drawn. Each expert has a scoring task."),
        context=assessment_steps.draw_panel_context,
        submit_label=_("Draw the panel"),
    ),
    FilingFlow.score.name: Step(
        _("Expert scoring"),
        assessment_forms.ScoreForm,
        "cases/assessments/steps/score.html",
        assessment_steps.score,
        _("Score submitted."),
        form_kwargs=assessment_steps.score_form_kwargs,
        context=assessment_steps.score_context,
        submit_label=_("Submit my scores"),
    ),
    FilingFlow.decide.name: Step(
        _("Decision"), forms.DecisionForm, "cases/applications/steps/decide.html", _decide, _("Decision recorded.")
    ),
    FilingFlow.notice.name: Step(
        _("Public notice and registration"),
        forms.forms.Form,
        "cases/applications/steps/notice.html",
        _register,
        _("The body has been registered."),
    ),
}


def step_title(task) -> str:
    step = STEPS.get(task.flow_task.name)
    return step.title if step else task.flow_task.name
