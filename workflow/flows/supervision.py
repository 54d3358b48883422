"""The supervision of a filed body as a viewflow Flow: who does what next.

inspection -> findings -> close, or rectification order -> the body responds with evidence (or the
deadline lapses) -> the supervisor verifies -> close, order again, or sanction. The work of each
step is a service in cases.supervision.services.cases, so a page, the periodic sweep and a test drive
the same transition.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from viewflow import this
from viewflow.workflow import flow, lock

from cases.models import CaseState as C

SUPERVISE = "cases.supervise_filings"
SANCTION = "cases.sanction_filings"


def _case(activation):
    return activation.process.supervision_case


def _leader(activation):
    return _case(activation).leader


class SupervisionTaskRedirectView(LoginRequiredMixin, View):
    """viewflow's own task URL, if ever mounted, leads to our supervision task page."""

    def get(self, request, *args, **kwargs):
        return redirect("supervision:task", task_pk=kwargs["task_pk"])


class SupervisionFlow(flow.Flow):
    process_title = _("Supervision of a filed body")
    process_description = _("Inspection, rectification and sanctions after filing")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.plan)

    plan = (
        flow.View(SupervisionTaskRedirectView.as_view())
        .Annotation(title=_("Plan the supervision inspection"))
        .Permission(SUPERVISE)
        .Next(this.after_plan)
    )
    after_plan = flow.Switch().Case(this.inspect, lambda a: _case(a).state == C.INSPECTING).Default(this.end)

    inspect = (
        flow.View(SupervisionTaskRedirectView.as_view())
        .Annotation(title=_("Supervision inspection"))
        .Assign(_leader)
        .Next(this.decide)
    )
    decide = (
        flow.View(SupervisionTaskRedirectView.as_view())
        .Annotation(title=_("Decide on the findings"))
        .Permission(SUPERVISE)
        .Next(this.after_decision)
    )
    after_decision = (
        flow.Switch()
        .Case(this.respond, lambda a: _case(a).state == C.RECTIFYING)
        .Case(this.sanction, lambda a: _case(a).state == C.SANCTIONING)
        .Default(this.end)
    )
    # Done outside any inbox: by the body's response from its own pages, or by the sweep at the deadline.
    respond = flow.Handle().Annotation(title=_("Rectification by the body")).Next(this.verify)
    verify = (
        flow.View(SupervisionTaskRedirectView.as_view())
        .Annotation(title=_("Verify the rectification"))
        .Permission(SUPERVISE)
        .Next(this.after_decision)
    )
    sanction = (
        flow.View(SupervisionTaskRedirectView.as_view())
        .Annotation(title=_("Sanction decision"))
        .Permission(SANCTION)
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation, case):
        activation.process.artifact = case
        return activation.process


STEP_NAMES = [
    SupervisionFlow.plan,
    SupervisionFlow.inspect,
    SupervisionFlow.decide,
    SupervisionFlow.verify,
    SupervisionFlow.sanction,
]
