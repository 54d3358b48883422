"""The step registry: every human step of every flow, declared once, and the flows they belong to.

A flow node says who may take its step and how long it may take (`workflow.nodes.human` and
`waiting`: title, permission or assignee, step limit). The capability that does the work declares
the page of the step beside its forms and services (`cases/<capability>/steps.py`): the form, its
template, the service it calls, what the page shows. One task page, one set of task actions and one
to-do list serve every step found here; a human node without a page is a configuration error
(`check_every_step_has_a_page`, run by the tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task


@dataclass(frozen=True)
class FlowPages:
    """How the task pages and the to-do lists show the tasks of one flow."""

    flow_class: type
    kind: str  # workflow.models.WorkItem.Kind
    panel: str  # template of the case material shown on the task page, given `subject`
    subject_url: Callable[[Any], str]  # the case page of the subject (an application, a case, a batch)
    body_url: Callable[[Any], str]  # where the organisation's members answer a step that waits for them
    organisation: Callable[[Any], Any] = lambda subject: subject.organisation
    subject_name: str = "subject"  # what the step templates call the subject ("application", "case", "batch")
    readable_by: Callable[[Any, Any], bool] = lambda user, subject: False  # who reads its tasks (not acting)
    panel_context: Callable[[Any, Any], dict] | None = None  # (request, subject) -> extra context


@dataclass(frozen=True)
class Action:
    """A second kind of POST on a step's page besides completing it (saving a draft, recording an objection)."""

    form_class: type
    perform: Callable[[Any, Any, Any], Any]  # (form, subject, user)
    message: Any
    form_kwargs: Callable[[Any, Task, Any], dict] | None = None
    label: Any = None  # set: a second button of the step's own form (posting the same fields)


@dataclass(frozen=True)
class Step:
    """The page of one human step: the form, its template and the service the form's data goes to."""

    node: Any
    form_class: type
    template: str
    perform: Callable[[Any, Any, Any], Any]  # (form, subject, user): calls the step's service
    done_message: Any
    form_kwargs: Callable[[Any, Task, Any], dict] | None = None  # (request, task, subject) -> form arguments
    context: Callable[[Any, Task, Any], dict] | None = None  # (request, task, subject) -> page context
    submit_label: Any = None
    actions: dict[str, Action] = field(default_factory=dict)  # name -> Action, posted as action=<name>

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def buttons(self) -> list[tuple[str, Any]]:
        """(action, label) of the step form's other buttons, besides completing the step."""
        return [(name, action.label) for name, action in self.actions.items() if action.label]

    @property
    def title(self):
        return self.node.task_title

    @property
    def permission(self) -> str | None:
        """The permission that lets a user take the step from its queue; None for a step with an assignee."""
        return self.node._owner_permission

    @property
    def flow_class(self) -> type:
        return self.node.flow_class


_FLOWS: dict[type, FlowPages] = {}
_STEPS: dict[tuple[type, str], Step] = {}


def register_flow(pages: FlowPages) -> FlowPages:
    _FLOWS[pages.flow_class] = pages
    return pages


def register(step: Step) -> Step:
    key = (step.flow_class, step.name)
    if key in _STEPS:
        raise ValueError(f"step {step.flow_class.__name__}.{step.name} is declared twice")
    _STEPS[key] = step
    return step


def flow_pages(flow_class) -> FlowPages:
    return _FLOWS[flow_class]


def step_of(task: Task) -> Step | None:
    """The page of the task's step; None for steps done outside the task page (the body's answers)."""
    node = task.flow_task
    return _STEPS.get((node.flow_class, node.name))


def every_step() -> list[Step]:
    return list(_STEPS.values())


def step_choices() -> list[tuple[str, Any]]:
    """(name, title) of every step that can stand in a to-do list, for the lists' step filter."""
    seen, choices = set(), []
    for pages in _FLOWS.values():
        for node in pages.flow_class.instance.nodes():
            if getattr(node, "audience", None) and node.name not in seen:
                seen.add(node.name)
                choices.append((node.name, node.task_title))
    return choices + list(SEAT_STEPS.items())


def works_queues(user) -> bool:
    """Whether the user holds a permission some step's queue is named by (the regulator's roles)."""
    permissions = user.get_all_permissions()
    return any(step.permission in permissions for step in _STEPS.values() if step.permission)


# The to-do rows of drawn seats (workflow.todo.work_item_seat) name their step by the kind of draw.
SEAT_STEPS = {
    "seat_inspection_team": _("Confirm a seat on an inspection team"),
    "seat_expert_panel": _("Confirm a seat on an expert panel"),
}


def work_title(kind: str, step: str):
    """The title of a to-do row's step, whatever the flow (or a seat to confirm)."""
    if step in SEAT_STEPS:
        return SEAT_STEPS[step]
    for pages in _FLOWS.values():
        if pages.kind == kind:
            node = pages.flow_class.instance.node(step)
            if node is not None:
                return node.task_title
    return step


def current_subject(process):
    """The case of a process read afresh from the database: flow conditions decide on its state as the
    step's work has just left it, not on a copy loaded earlier in the transaction."""
    model = ContentType.objects.get_for_id(process.artifact_content_type_id).model_class()
    return model.objects.get(pk=process.artifact_object_id)


def subject_of(task: Task):
    """The case a task works on: the application, supervision case or result batch of its process."""
    return task.process.artifact


def task_url(task: Task) -> str:
    """Where the task is worked on: the one task page, or the body's own page for a step that waits for the body."""
    if task.flow_task_type == "HUMAN":
        return reverse("tasks:detail", args=[task.pk])
    return flow_pages(task.flow_task.flow_class).body_url(subject_of(task))


def check_every_step_has_a_page() -> list[str]:
    """The human nodes of the registered flows that have no page (each would be a task nobody can do)."""
    missing = []
    for flow_class in _FLOWS:
        for node in flow_class.instance.nodes():
            if getattr(node, "task_type", None) == "HUMAN" and (flow_class, node.name) not in _STEPS:
                missing.append(f"{flow_class.__name__}.{node.name}")
    return missing
