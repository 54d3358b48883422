"""The pages of the filing flow's own steps (review, decision, public notice) and how its tasks are shown.

The inspection and assessment steps are declared in cases/inspections/steps.py and
cases/assessments/steps.py; who may take each step and its limit are in workflow/flows/filing.py.
"""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.applications import changes, forms
from cases.applications import services as application_services
from cases.applications.access import is_case_reader, may_read_case
from cases.applications.selectors import case_material
from workflow.flows.filing import FilingFlow
from workflow.models import WorkItem
from workflow.steps import Action, FlowPages, Step, register, register_flow


def _case_url(application) -> str:
    return reverse("applications:detail", args=[application.pk])


def _panel_context(request, application) -> dict:
    """The case material beside every step's form, for those who may read the case file."""
    if not may_read_case(request.user, application):
        return {"may_read_case": False}
    return {"may_read_case": True, **case_material(application=application, user=request.user)}


register_flow(
    FlowPages(
        FilingFlow,
        kind=WorkItem.Kind.FILING,
        subject_name="application",
        readable_by=lambda user, application: is_case_reader(user),
        panel="cases/applications/_task_panel.html",
        subject_url=_case_url,
        body_url=_case_url,
        panel_context=_panel_context,
    )
)


def _review(form, application, user):
    outcome = form.cleaned_data["outcome"]
    if outcome == forms.ReviewForm.ACCEPT:
        return application_services.application_accept(application=application, actor=user)
    if outcome == forms.ReviewForm.RETURN:
        return application_services.application_return(
            application=application,
            actor=user,
            deficiencies=form.deficiency_list(),
            raise_again=form.cleaned_data.get("raise_again") or [],
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


def _record_objection(form, application, user):
    return application_services.objection_record(application=application, actor=user, **form.cleaned_data)


def _resolve_objection(form, application, user):
    objection = application.objections.filter(pk=form.cleaned_data["objection"]).first()
    if objection is None:
        raise ValidationError(_("There is no such objection to this notice."))
    return application_services.objection_resolve(
        objection=objection, actor=user, resolution=form.cleaned_data["resolution"]
    )


def _review_context(request, task, application) -> dict:
    """The material of the review: the round, and per deficiency of the last return its answer and what changed."""
    last_round = application.supplement_rounds.order_by("-round").first()
    resubmitted = last_round is not None and last_round.resubmitted_at is not None
    return {
        "resubmission_round": last_round.round if resubmitted else 0,
        "answered": list(application.deficiencies.filter(round=last_round.round).select_related("reply_attachment"))
        if resubmitted
        else [],
        "changes": changes.changes_since(last_round.snapshot, application) if resubmitted else [],
        "earlier_rounds": list(application.deficiencies.exclude(round=last_round.round)) if resubmitted else [],
    }


def _notice_context(request, task, application) -> dict:
    return {
        "objections": application.objections.select_related("recorded_by", "resolved_by"),
        "objection_form": forms.ObjectionForm(),
        "registration_opens": application_services.registration_opens_on(application),
        "notice_open": application_services.notice_is_open(application),
        "aside": "cases/applications/steps/_objections.html",
    }


register(
    Step(
        FilingFlow.review,
        forms.ReviewForm,
        "cases/applications/steps/review.html",
        _review,
        _("Review recorded."),
        form_kwargs=lambda request, task, application: {"application": application},
        context=_review_context,
        submit_label=_("Record the review"),
    )
)
register(
    Step(
        FilingFlow.decide,
        forms.DecisionForm,
        "cases/applications/steps/decide.html",
        _decide,
        _("Decision recorded."),
        submit_label=_("Record the decision"),
    )
)
register(
    Step(
        FilingFlow.notice,
        forms.forms.Form,
        "cases/applications/steps/notice.html",
        _register,
        _("The body has been registered."),
        context=_notice_context,
        submit_label=_("Register the body"),
        actions={
            "objection_add": Action(forms.ObjectionForm, _record_objection, _("Objection recorded.")),
            "objection_resolve": Action(forms.ResolveObjectionForm, _resolve_objection, _("Objection resolved.")),
        },
    )
)
