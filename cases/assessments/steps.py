"""The pages of the assessment steps of the filing flow: drawing the panel and an expert's blind scoring."""

from django.utils.translation import gettext_lazy as _

from cases.assessments import forms
from cases.assessments import selectors as assessment_selectors
from cases.assessments import services as assessments
from cases.draws import forms as draw_forms
from cases.inspections.steps import SEAT_NOTICE
from workflow.flows.filing import FilingFlow
from workflow.steps import Step, register


def draw_panel(form, application, user):
    return assessments.expert_panel_draw(
        application=application, actor=user, panel_size=form.cleaned_data["panel_size"]
    )


def draw_panel_context(request, task, application) -> dict:
    return {"inspection": application.inspections.first()}


def score_form_kwargs(request, task, application) -> dict:
    panel = application.panels.select_related("rubric").first()
    return {"rubric": panel.rubric if panel else None}


def score_context(request, task, application) -> dict:
    view = assessment_selectors.panel_view(application=application, user=request.user)
    seat = view.own_seat if view else None
    return {
        "panel_view": view,
        "step_notice": SEAT_NOTICE,
        "step_blocked": task.owner_id == request.user.pk and not (view and view.may_score),
        "seat": seat,
        **draw_forms.seat_forms(),
    }


def score(form, application, user):
    return assessments.expert_score_submit(
        application=application,
        actor=user,
        points=form.points(),
        comments=form.comments(),
        comment=form.cleaned_data["comment"],
    )


register(
    Step(
        FilingFlow.draw_panel,
        forms.PanelDrawForm,
        "cases/assessments/steps/draw_panel.html",
        draw_panel,
        _("Expert panel drawn. Each expert has a scoring task."),
        context=draw_panel_context,
        submit_label=_("Draw the panel"),
    )
)
register(
    Step(
        FilingFlow.score,
        forms.ScoreForm,
        "cases/assessments/steps/score.html",
        score,
        _("Score submitted."),
        form_kwargs=score_form_kwargs,
        context=score_context,
        submit_label=_("Submit my scores"),
    )
)
