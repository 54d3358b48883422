"""The supervision of a filed body as a viewflow Flow: who does what next.

inspection -> findings -> close, or rectification order -> the body responds with evidence (or the
deadline lapses) -> the supervisor verifies -> close, order again, or sanction. The work of each
step is a service in cases.supervision.services.cases, so a page, the periodic sweep and a test drive
the same transition.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from cases.models import CaseState as C
from workflow.locks import process_then_task
from workflow.models import StepCode
from workflow.nodes import human, waiting
from workflow.steps import current_subject

SUPERVISE = "cases.supervise_filings"
SANCTION = "cases.sanction_filings"
RECTIFICATION = "rectification"  # not a step limit: the order sets its own deadline


def _case(activation):
    return current_subject(activation.process)


def _leader(activation):
    return _case(activation).leader


def _order_deadline(activation):
    return _case(activation).orders.order_by("-round").values_list("deadline", flat=True).first()


class SupervisionFlow(flow.Flow):
    process_title = _("Supervision of a filed body")
    process_description = _("Inspection, rectification and sanctions after filing")
    lock_impl = process_then_task

    start = flow.StartHandle(this.start_process).Next(this.plan)

    plan = human(_("Plan the supervision inspection"), permission=SUPERVISE, limit=StepCode.SUPERVISION_PLAN).Next(
        this.after_plan
    )
    after_plan = flow.Switch().Case(this.inspect, lambda a: _case(a).state == C.INSPECTING).Default(this.end)

    inspect = human(_("Supervision inspection"), assign=_leader, limit=StepCode.SUPERVISION_INSPECTION).Next(
        this.decide
    )
    decide = human(_("Decide on the findings"), permission=SUPERVISE, limit=StepCode.SUPERVISION_DECISION).Next(
        this.after_decision
    )
    after_decision = (
        flow.Switch()
        .Case(this.respond, lambda a: _case(a).state == C.RECTIFYING)
        .Case(this.sanction, lambda a: _case(a).state == C.SANCTIONING)
        .Default(this.end)
    )
    # Done by the body's answer from its own pages, or by the sweep once the order's deadline has passed.
    respond = waiting(_("Rectification by the body"), limit=RECTIFICATION, due_on=_order_deadline).Next(this.verify)
    verify = human(_("Verify the rectification"), permission=SUPERVISE, limit=StepCode.SUPERVISION_VERIFY).Next(
        this.after_decision
    )
    sanction = human(_("Sanction decision"), permission=SANCTION, limit=StepCode.SUPERVISION_SANCTION).Next(this.end)
    end = flow.End()

    def start_process(self, activation, subject):
        activation.process.artifact = subject
        return activation.process
