"""What each human step of the filing flow shows and does: form, template, service call."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from cases import forms
from cases.services import steps as services
from workflow.flows import FilingFlow


def _review(form, application, user):
    outcome = form.cleaned_data["outcome"]
    if outcome == forms.ReviewForm.ACCEPT:
        return services.application_accept(application=application, actor=user)
    if outcome == forms.ReviewForm.RETURN:
        return services.application_return(application=application, actor=user, deficiencies=form.deficiency_list())
    return services.application_reject_ineligible(
        application=application, actor=user, reasons=form.cleaned_data["reasons"]
    )


def _plan(form, application, user):
    data = form.cleaned_data
    return services.inspection_plan(
        application=application,
        actor=user,
        planned_date=data["planned_date"],
        leader=data["leader"],
        members=list(data["members"]),
    )


def _inspect(form, application, user):
    return services.inspection_record(
        application=application,
        actor=user,
        results=form.results(),
        conclusion=form.cleaned_data["conclusion"],
        summary=form.cleaned_data["summary"],
    )


def _score(form, application, user):
    return services.expert_score_submit(
        application=application, actor=user, total=form.cleaned_data["total"], comment=form.cleaned_data["comment"]
    )


def _decide(form, application, user):
    return services.application_decide(
        application=application,
        actor=user,
        decision=form.cleaned_data["decision"],
        reasons=form.cleaned_data["reasons"],
    )


def _register(form, application, user):
    return services.application_register(application=application, actor=user)


@dataclass(frozen=True)
class Step:
    title: Any
    form_class: type
    template: str
    perform: Any
    done_message: Any


STEPS = {
    FilingFlow.review.name: Step(
        _("Completeness review"), forms.ReviewForm, "workflow/steps/review.html", _review, _("Review recorded.")
    ),
    FilingFlow.plan_inspection.name: Step(
        _("Plan site inspection"),
        forms.InspectionPlanForm,
        "workflow/steps/plan_inspection.html",
        _plan,
        _("Inspection planned."),
    ),
    FilingFlow.site_inspection.name: Step(
        _("Site inspection"),
        forms.InspectionRecordForm,
        "workflow/steps/site_inspection.html",
        _inspect,
        _("Inspection report signed."),
    ),
    FilingFlow.score.name: Step(
        _("Expert scoring"), forms.ScoreForm, "workflow/steps/score.html", _score, _("Score submitted.")
    ),
    FilingFlow.decide.name: Step(
        _("Decision"), forms.DecisionForm, "workflow/steps/decide.html", _decide, _("Decision recorded.")
    ),
    FilingFlow.notice.name: Step(
        _("Public notice and registration"),
        forms.forms.Form,
        "workflow/steps/notice.html",
        _register,
        _("The body has been registered."),
    ),
}


def step_title(task) -> str:
    step = STEPS.get(task.flow_task.name)
    return step.title if step else task.flow_task.name
