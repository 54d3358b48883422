"""A bare viewflow flow with the filing review's steps (a human review, a switch, the next human step), for
bench/load.py: the floor a human step through the project's services is compared with."""

from viewflow import this
from viewflow.workflow import flow, lock

from workflow.nodes import TaskRedirectView


class BareFlow(flow.Flow):
    lock_impl = lock.select_for_update_lock  # viewflow's own PostgreSQL lock: concurrency-safe like ours

    start = flow.StartHandle(this.start_process).Next(this.review)
    review = flow.View(TaskRedirectView.as_view()).Permission("cases.review_filingapplication").Next(this.after)
    after = flow.Switch().Case(this.plan, lambda activation: True).Default(this.end)
    plan = flow.View(TaskRedirectView.as_view()).Permission("cases.plan_inspection").Next(this.end)
    end = flow.End()

    def start_process(self, activation):
        return activation.process
