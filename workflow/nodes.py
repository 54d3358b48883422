"""Flow nodes the open edition of viewflow lacks."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views import View
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.split import SplitActivation


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
