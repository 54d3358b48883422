"""The pages of the supervision flow's steps and how its tasks are shown.

Who may take each step and its limit are in workflow/flows/supervision.py; the body answers a
rectification order from its own pages (cases/supervision/views/body.py).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.applications.forms import ActualDateForm
from cases.supervision import forms
from cases.supervision.access import READ_CASES
from cases.supervision.services import cases as supervision
from cases.supervision.views.cases import case_context
from workflow.flows.supervision import SupervisionFlow
from workflow.models import WorkItem
from workflow.steps import Action, FlowPages, Step, register, register_flow

register_flow(
    FlowPages(
        SupervisionFlow,
        kind=WorkItem.Kind.SUPERVISION,
        subject_name="case",
        readable_by=lambda user, case: user.has_perm(READ_CASES),
        panel="cases/supervision/_task_panel.html",
        subject_url=lambda case: reverse("supervision:case", args=[case.pk]),
        body_url=lambda case: reverse("body:case", args=[case.pk]),
        organisation=lambda case: case.filing.organisation,
        panel_context=lambda request, case: case_context(case, request.user),
    )
)


def _with_case(request, task, case) -> dict:
    return {"case": case}


def _plan(form, case, user):
    data = form.cleaned_data
    if data["action"] == forms.PlanForm.DISMISS:
        return supervision.case_dismiss(case=case, actor=user, reason=data["reason"])
    return supervision.case_plan_inspection(
        case=case,
        actor=user,
        inspection_date=data["inspection_date"],
        leader=data.get("leader"),
        members=list(data.get("members") or []),
    )


def _findings(form, case, user):
    data = form.cleaned_data
    return supervision.case_record_findings(
        case=case, actor=user, conclusion=data["conclusion"], findings=data["findings"], summary=data["summary"]
    )


def _decide(form, case, user):
    data = form.cleaned_data
    return supervision.case_decide(
        case=case,
        actor=user,
        decision=data["decision"],
        note=data["note"],
        items=data["items"],
        working_days=data["working_days"],
    )


def _verify(form, case, user):
    data = form.cleaned_data
    return supervision.rectification_verify(
        case=case,
        actor=user,
        decision=data["decision"],
        note=data["note"],
        items=data["items"],
        working_days=data["working_days"],
    )


def _sanction(form, case, user):
    data = form.cleaned_data
    return supervision.case_sanction(
        case=case, actor=user, measure=data["measure"], reasons=data["reasons"], scopes=list(data["scopes"] or [])
    )


def _record_actual_date(form, case, user):
    return supervision.case_actual_date_record(
        case=case,
        actor=user,
        actual_date=form.cleaned_data["actual_date"],
        reason=form.cleaned_data["actual_date_reason"],
    )


def _inspect_context(request, task, case) -> dict:
    from cases.inspections.services import date_problem

    return {
        "case": case,
        "actual_date_form": ActualDateForm(
            initial={"actual_date": case.inspected_on, "actual_date_reason": case.actual_date_reason}
        ),
        "date_problem": date_problem(
            planned=case.inspection_date, actual=case.actual_inspection_date, today=timezone.localdate()
        )
        if case.inspection_date
        else None,
        "aside": "cases/supervision/steps/_actual_date.html",
    }


STEP_CONTEXT = {SupervisionFlow.inspect: _inspect_context}
STEP_ACTIONS = {
    SupervisionFlow.inspect: {
        "actual_date": Action(ActualDateForm, _record_actual_date, _("Actual inspection date recorded."))
    }
}

for node, form_class, template, perform, done in [
    (SupervisionFlow.plan, forms.PlanForm, "plan", _plan, _("Inspection planned.")),
    (SupervisionFlow.inspect, forms.FindingsForm, "inspect", _findings, _("Findings recorded.")),
    (SupervisionFlow.decide, forms.DecideForm, "decide", _decide, _("Decision recorded.")),
    (SupervisionFlow.verify, forms.VerifyForm, "verify", _verify, _("Verification recorded.")),
    (
        SupervisionFlow.sanction,
        forms.SanctionForm,
        "sanction",
        _sanction,
        _("Sanction decided; the decision document is issued."),
    ),
]:
    register(
        Step(
            node,
            form_class,
            f"cases/supervision/steps/{template}.html",
            perform,
            done,
            form_kwargs=_with_case,
            context=STEP_CONTEXT.get(node),
            actions=STEP_ACTIONS.get(node, {}),
        )
    )
