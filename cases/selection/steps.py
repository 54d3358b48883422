"""The pages of the public selection's steps and how its tasks are shown (workflow.steps).

Who may take each step and its limit are in workflow/flows/selection.py. The chief's steps (panel, list,
conclusion) are the call's: each application has its task, and the page of any of them does the step for the
whole call.
"""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.selection import access, forms, selectors
from cases.selection import panel as panels
from cases.selection.eligibility import conditions, sections_digest
from cases.selection.selectors import application_material
from cases.selection.services import publication, review
from cases.selection.services.flows import call_tasks
from workflow.flows.selection import SelectionFlow
from workflow.models import WorkItem
from workflow.steps import Action, FlowPages, Step, register, register_flow


def _application_url(application) -> str:
    return reverse("selection:application", args=[application.pk])


def _panel_context(request, application) -> dict:
    return application_material(application)


register_flow(
    FlowPages(
        SelectionFlow,
        kind=WorkItem.Kind.SELECTION,
        subject_name="application",
        readable_by=lambda user, application: access.is_reader(user),
        panel="cases/selection/_task_panel.html",
        subject_url=_application_url,
        body_url=_application_url,
        panel_context=_panel_context,
    )
)


def _call_context(application) -> dict:
    call = application.call
    return {"call": call, "call_url": reverse("selection:call", args=[call.pk])}


# Eligibility (the clerk)


def _eligibility(form, application, user):
    return review.eligibility_decide(
        application=application,
        actor=user,
        eligible=form.cleaned_data["outcome"] == forms.EligibilityForm.ELIGIBLE,
        reasons=form.cleaned_data["reasons"],
    )


def _eligibility_context(request, task, application) -> dict:
    rows = conditions(application, timezone.localdate())
    return {
        **_call_context(application),
        "conditions": rows,
        "unmet": [row for row in rows if not row.met],
        "changed_since_submission": application.sections_digest != sections_digest(application),
    }


register(
    Step(
        SelectionFlow.eligibility,
        forms.EligibilityForm,
        "cases/selection/steps/eligibility.html",
        _eligibility,
        _("Eligibility recorded."),
        context=_eligibility_context,
        submit_label=_("Record the eligibility check"),
    )
)


# The panel (the chief, for the whole call)


def _draw(form, application, user):
    return review.panel_draw(call=application.call, actor=user, panel_size=form.cleaned_data["panel_size"])


def _draw_context(request, task, application) -> dict:
    call = application.call
    applications = list(selectors.applications_of(call))
    eligible = [app for app in applications if app.state == "eligible"]
    pending = [app for app in applications if app.state == "submitted"]
    evaluation = panels.pool_for_call(call, eligible) if eligible and not pending else None
    return {
        **_call_context(application),
        "applications": applications,
        "pending": pending,
        "evaluation": evaluation,
        "eligible_experts": len(evaluation.eligible) if evaluation else None,
        "open_tasks": len(call_tasks(call, SelectionFlow.draw_panel)),
    }


register(
    Step(
        SelectionFlow.draw_panel,
        forms.PanelDrawForm,
        "cases/selection/steps/draw_panel.html",
        _draw,
        _("The panel is drawn; each expert has a scoring task for every eligible application."),
        form_kwargs=lambda request, task, application: {"call": application.call},
        context=_draw_context,
        submit_label=_("Draw the panel"),
    )
)


# Scoring (each expert)


def _score(form, application, user):
    return review.score_submit(
        application=application,
        actor=user,
        points=form.points(),
        comments=form.comments(),
        comment=form.cleaned_data["comment"],
        declared=form.cleaned_data["declared"],
    )


def _score_context(request, task, application) -> dict:
    scores = list(application.scores.values_list("submitted_at", flat=True))
    # In the shape the assessment's scoring template reads (cases/assessments/steps/score.html): counts only.
    panel_view = {
        "panel": {"rubric": application.call.rubric},
        "submitted": sum(1 for submitted in scores if submitted),
        "expected": len(scores),
    }
    return {**_call_context(application), "panel_view": panel_view}


register(
    Step(
        SelectionFlow.score,
        forms.SelectionScoreForm,
        "cases/selection/steps/score.html",
        _score,
        _("Score submitted."),
        form_kwargs=lambda request, task, application: {"rubric": application.call.rubric},
        context=_score_context,
        submit_label=_("Submit my scores"),
    )
)


# The list (the chief, for the whole call)


def _confirm(form, application, user):
    return review.list_confirm(call=application.call, actor=user, selected=form.selected(), reasons=form.reasons())


register(
    Step(
        SelectionFlow.confirm,
        forms.ConfirmForm,
        "cases/selection/steps/confirm.html",
        _confirm,
        _("The list is confirmed and published."),
        form_kwargs=lambda request, task, application: {"ranking": selectors.call_ranking(application.call)},
        context=lambda request, task, application: {
            **_call_context(application),
            "ranking": selectors.call_ranking(application.call),
        },
        submit_label=_("Confirm and publish the list"),
    )
)


# The conclusion (the chief, for the whole call, after the publication)


def _conclude(form, application, user):
    return publication.selection_conclude(call=application.call, actor=user, removals=form.removals())


def _record_objection(form, application, user):
    return publication.objection_record(
        call=application.call,
        actor=user,
        raised_by=form.cleaned_data["raised_by"],
        contact=form.cleaned_data["contact"],
        content=form.cleaned_data["content"],
        application_id=form.cleaned_data["concerning"] or None,
    )


def _resolve_objection(form, application, user):
    objection = application.call.objections.filter(pk=form.cleaned_data["objection"]).first()
    if objection is None:
        raise ValidationError(_("There is no such objection to this list."))
    return publication.objection_resolve(objection=objection, actor=user, resolution=form.cleaned_data["resolution"])


def _conclude_context(request, task, application) -> dict:
    call = application.call
    return {
        **_call_context(application),
        "objections": call.objections.select_related("application__organisation"),
        "objection_form": forms.RecordObjectionForm(call=call),
        "aside": "cases/applications/steps/_objections.html",
    }


register(
    Step(
        SelectionFlow.conclude,
        forms.ConcludeForm,
        "cases/selection/steps/conclude.html",
        _conclude,
        _("The selection is concluded; every applicant has its notice."),
        form_kwargs=lambda request, task, application: {"ranking": selectors.stored_ranking(application.call)},
        context=_conclude_context,
        submit_label=_("Conclude the selection"),
        actions={
            "objection_add": Action(
                forms.RecordObjectionForm,
                _record_objection,
                _("Objection recorded."),
                form_kwargs=lambda request, task, application: {"call": application.call},
            ),
            "objection_resolve": Action(forms.ResolveObjectionForm, _resolve_objection, _("Objection resolved.")),
        },
    )
)
