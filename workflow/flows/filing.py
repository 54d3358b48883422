"""The filing approval process as a viewflow Flow: who does what next.

Each human step is declared here once with who may take it and its limit in working days
(workflow.nodes.human / waiting); its page (form and service) is declared by the capability that
does the work (cases/<capability>/steps.py). A step's service changes the application and then
completes the step's task, so a page, a command and a test all drive the same transition. The
inspection is one stage, planned and done within one limit.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from cases.models import ApplicationState as S
from workflow.locks import process_then_task
from workflow.models import StepCode
from workflow.nodes import SplitPerItem, human, waiting
from workflow.steps import current_subject

REVIEW = "cases.review_filingapplication"
PLAN = "cases.plan_inspection"
DECIDE = "cases.decide_filingapplication"


def _application(activation):
    return current_subject(activation.process)


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
    lock_impl = process_then_task

    start = flow.StartHandle(this.start_process).Next(this.review)

    review = human(_("Completeness review"), permission=REVIEW, limit=StepCode.REVIEW).Next(this.after_review)
    after_review = (
        flow.Switch()
        .Case(this.plan_inspection, lambda a: _application(a).state == S.ACCEPTED)
        .Case(this.supplement, lambda a: _application(a).state == S.RETURNED)
        .Default(this.end)
    )
    # The applicant's turn: the regulator's clock stops until the resubmission (PAUSE_STEPS).
    supplement = waiting(_("Supplement by the applicant"), limit=StepCode.SUPPLEMENT, responsible=_applicant).Next(
        this.review
    )

    plan_inspection = human(_("Plan site inspection"), permission=PLAN, limit=StepCode.INSPECTION).Next(
        this.site_inspection
    )
    # Continues the planning's clock: one stage, one due date.
    site_inspection = human(_("Site inspection"), assign=_inspection_leader, limit=StepCode.INSPECTION).Next(
        this.draw_panel
    )
    draw_panel = human(_("Draw expert panel"), permission=PLAN, limit=StepCode.ASSESSMENT).Next(this.assessment)
    assessment = SplitPerItem().Next(this.score, data_source=_panel_experts)
    score = human(_("Expert scoring"), assign=_expert_of_task, limit=StepCode.ASSESSMENT).Next(this.scores_in)
    scores_in = flow.Join().Next(this.decide)

    decide = human(_("Decision"), permission=DECIDE, limit=StepCode.DECISION).Next(this.after_decision)
    after_decision = (
        flow.Switch()
        .Case(this.notice, lambda a: _application(a).state == S.ON_NOTICE)
        .Case(this.plan_inspection, lambda a: _application(a).state == S.INSPECTING)
        .Default(this.end)
    )
    # Registration is due when the notice ends.
    notice = human(_("Public notice and registration"), permission=DECIDE, limit=StepCode.NOTICE).Next(this.end)
    end = flow.End()

    def start_process(self, activation, subject):
        activation.process.artifact = subject
        return activation.process
