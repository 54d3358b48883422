"""The public selection (遴选) of one organisation's application as a viewflow Flow: who does what next.

submitted within the call's window -> (the window closes) -> the clerk checks eligibility -> the chief draws
the call's panel -> each expert scores the application blind, in parallel -> the chief confirms the call's
list -> (the publication period ends) -> the chief concludes: selected applications continue into the filing
flow, the others are told why.

Every to-do row belongs to one organisation, so a process is one application; the chief's steps concern the
whole call (one panel, one list) and are done once for all its applications: each application has its task,
and the call's service completes every one of them together (cases.selection.services). The work of each
step is a service, so the task page, the simulation command and the tests drive the same transitions.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from cases.models import SelectionState as S
from workflow.locks import process_then_task
from workflow.models import StepCode
from workflow.nodes import SplitPerItem, human
from workflow.steps import current_subject

CHECK = "cases.check_selection_eligibility"
CONDUCT = "cases.conduct_selection"


def _application(activation):
    return current_subject(activation.process)


def day_after(day) -> datetime:
    """The first moment after `day` in the bureau's time zone: a period ending on `day` includes all of it."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _window_closed(activation):
    return day_after(_application(activation).call.window_closes)


def _publication_over(activation):
    return day_after(_application(activation).call.publication_ends)


def _panel_experts(activation):
    scores = _application(activation).scores.order_by("expert_id")
    return [{"expert": expert_id} for expert_id in scores.values_list("expert_id", flat=True)]


def _expert_of_task(activation):
    return get_user_model().objects.get(pk=activation.task.data["expert"])


class SelectionFlow(flow.Flow):
    process_title = _("Public selection")
    process_description = _("From an application to a call to the selection list and the filing flow")
    lock_impl = process_then_task

    start = flow.StartHandle(this.start_process).Next(this.window)
    window = flow.Timer(_window_closed).Next(this.eligibility)

    eligibility = human(_("Selection eligibility check"), permission=CHECK, limit=StepCode.SELECTION_ELIGIBILITY).Next(
        this.after_eligibility
    )
    after_eligibility = (
        flow.Switch().Case(this.draw_panel, lambda a: _application(a).state == S.ELIGIBLE).Default(this.end)
    )

    draw_panel = human(_("Draw the selection panel"), permission=CONDUCT, limit=StepCode.SELECTION_PANEL).Next(
        this.scoring
    )
    scoring = SplitPerItem().Next(this.score, data_source=_panel_experts)
    score = human(_("Selection scoring"), assign=_expert_of_task, limit=StepCode.SELECTION_SCORING).Next(this.scored)
    scored = flow.Join().Next(this.confirm)

    confirm = human(_("Confirm the selection list"), permission=CONDUCT, limit=StepCode.SELECTION_CONFIRMATION).Next(
        this.publication
    )
    publication = flow.Timer(_publication_over).Next(this.conclude)
    conclude = human(_("Conclude the selection"), permission=CONDUCT, limit=StepCode.SELECTION_CONCLUSION).Next(
        this.end
    )
    end = flow.End()

    def start_process(self, activation, subject):
        activation.process.artifact = subject
        return activation.process
