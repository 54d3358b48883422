"""The filing approval process as a viewflow Flow: who does what next.

The work of each step is a service in cases.services; a step's service changes the
application and then completes the step's task, so a page, a command and a test all
drive the same transition. Every task gets its due date from its step's limit when it is
created (`deadline_on_create`, workflow.deadlines); the inspection is one stage, planned and
done within one limit.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from cases.models import ApplicationState as S
from workflow.deadlines import deadline_on_create, register_task_page
from workflow.models import StepCode
from workflow.nodes import Handle, SplitPerItem, TaskRedirectView


def _application(activation):
    return activation.process.filing_application


def _inspection_leader(activation):
    return _application(activation).inspections.first().leader


def _expert_of_task(activation):
    return get_user_model().objects.get(pk=activation.task.data["expert"])


def _applicant(activation):
    return _application(activation).created_by


def _panel_experts(activation):
    panel = _application(activation).panels.first()
    return [{"expert": score.expert_id} for score in panel.scores.all()]


class FilingFlow(flow.Flow):
    process_title = _("Filing approval")
    process_description = _("From application to a filed certification body")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.review)

    review = (
        flow.View(TaskRedirectView.as_view())
        .Annotation(title=_("Completeness review"))
        .Permission("cases.review_filingapplication")
        .onCreate(deadline_on_create(StepCode.REVIEW))
        .Next(this.after_review)
    )
    after_review = (
        flow.Switch()
        .Case(this.plan_inspection, lambda a: _application(a).state == S.ACCEPTED)
        .Case(this.supplement, lambda a: _application(a).state == S.RETURNED)
        .Default(this.end)
    )
    # The applicant's turn: the regulator's clock stops until the resubmission (PAUSE_STEPS).
    supplement = (
        Handle()
        .Annotation(title=_("Supplement by the applicant"))
        .onCreate(deadline_on_create(StepCode.SUPPLEMENT, responsible=_applicant))
        .Next(this.review)
    )

    plan_inspection = (
        flow.View(TaskRedirectView.as_view())
        .Annotation(title=_("Plan site inspection"))
        .Permission("cases.plan_inspection")
        .onCreate(deadline_on_create(StepCode.INSPECTION))
        .Next(this.site_inspection)
    )
    site_inspection = (
        flow.View(TaskRedirectView.as_view())
        .Annotation(title=_("Site inspection"))
        .Assign(_inspection_leader)
        .onCreate(deadline_on_create(StepCode.INSPECTION))  # continues the planning's clock
        .Next(this.draw_panel)
    )
    draw_panel = (
        flow.View(TaskRedirectView.as_view())
        .Annotation(title=_("Draw expert panel"))
        .Permission("cases.plan_inspection")
        .onCreate(deadline_on_create(StepCode.ASSESSMENT))
        .Next(this.assessment)
    )
    assessment = SplitPerItem().Next(this.score, data_source=_panel_experts)
    score = (
        flow.View(TaskRedirectView.as_view())
        .Annotation(title=_("Expert scoring"))
        .Assign(_expert_of_task)
        .onCreate(deadline_on_create(StepCode.ASSESSMENT))
        .Next(this.scores_in)
    )
    scores_in = flow.Join().Next(this.decide)

    decide = (
        flow.View(TaskRedirectView.as_view())
        .Annotation(title=_("Decision"))
        .Permission("cases.decide_filingapplication")
        .onCreate(deadline_on_create(StepCode.DECISION))
        .Next(this.after_decision)
    )
    after_decision = (
        flow.Switch()
        .Case(this.notice, lambda a: _application(a).state == S.ON_NOTICE)
        .Case(this.plan_inspection, lambda a: _application(a).state == S.INSPECTING)
        .Default(this.end)
    )
    notice = (
        flow.View(TaskRedirectView.as_view())
        .Annotation(title=_("Public notice and registration"))
        .Permission("cases.decide_filingapplication")
        .onCreate(deadline_on_create(StepCode.NOTICE))  # registration is due when the notice ends
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation, application):
        activation.process.artifact = application
        return activation.process


def _task_page(task) -> str:
    if task.flow_task_type != "HUMAN":  # the applicant's supplement: their case page
        return reverse("applications:detail", args=[task.process.filing_application.pk])
    return reverse("tasks:detail", args=[task.pk])


register_task_page(FilingFlow, _task_page)
