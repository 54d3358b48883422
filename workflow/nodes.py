"""Flow nodes the open edition of viewflow lacks, and the two builders every flow declares its steps with."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views import View
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.split import SplitActivation

from workflow.todo import BODY, STAFF, task_created


class SplitPerItemActivation(SplitActivation):
    @Activation.status.super()
    def activate(self):
        """One parallel task per item of each branch's data source (task.data = item)."""
        for node, cond, data_source in self.flow_task._branches:
            if cond and not cond(self):
                continue
            items = data_source(self) if data_source else [None]
            self.next_tasks.extend((node, item) for item in items)
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class SplitPerItem(flow.Split):
    """Parallel split creating a task per item, e.g. one scoring task per panel expert."""

    activation_class = SplitPerItemActivation

    def Next(self, node, case=None, data_source=None):  # noqa: N802 (viewflow's naming)
        self._activate_next.append((node, case, data_source))
        return self


class TaskRedirectView(LoginRequiredMixin, View):
    """viewflow's own task URL, if ever mounted, leads to our task page."""

    def get(self, request, *args, **kwargs):
        return redirect("tasks:detail", task_pk=kwargs["task_pk"])


class HandleActivation(flow.Handle.activation_class):
    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        activation = super().create(flow_task, prev_activation, token, data=data, seed=seed)
        if flow_task._on_create is not None:
            flow_task._on_create(activation)
        return activation


class Handle(flow.Handle):
    """viewflow's Handle (a step done outside the inboxes) with the `.onCreate(...)` hook View nodes have.

    Used for the steps that wait for the applicant or the body, so that they get a deadline too.
    """

    activation_class = HandleActivation

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._on_create = None

    def _resolve(self, instance):
        super()._resolve(instance)
        self._on_create = this.resolve(instance, self._on_create)

    def onCreate(self, ref):  # noqa: N802 (viewflow's naming)
        """Call `ref(activation)` when the task has been created."""
        self._on_create = ref
        return self


def human(title, *, limit: str, permission: str | None = None, assign=None) -> flow.View:
    """A step a person does on the one task page (workflow.views.task_detail).

    Taken from the queue of the users holding `permission`, or given to the user `assign(activation)`
    returns (the drawn team leader, the expert of a scoring task); due `limit` working days after it
    starts (a StepCode). The page itself (form, service) is declared by the capability doing the work.
    """
    if (permission is None) == (assign is None):
        raise ValueError("a human step is taken either by permission or by an assignee")
    node = flow.View(TaskRedirectView.as_view()).Annotation(title=title).onCreate(task_created(limit))
    node = node.Permission(permission) if permission else node.Assign(assign)
    node.audience = STAFF
    return node


def waiting(title, *, limit: str, due_on=None, responsible=None) -> Handle:
    """A step that waits for the case's organisation (supplement, correction, rectification answer).

    Its members see it in their to-do list and answer on their own pages; while it is open the
    regulator's clock stops (workflow.deadlines.PAUSE_STEPS). Due `limit` working days after it starts,
    or on `due_on(activation)`; `responsible(activation)` is reminded of it.
    """
    node = Handle().Annotation(title=title).onCreate(task_created(limit, due_on=due_on, responsible=responsible))
    node.audience = BODY
    return node
