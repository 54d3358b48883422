"""The two things the selection needs from the flows beyond workflow.services: a step of the whole call done
once for every application's task, and starting the filing flow at a later step than its first."""

from collections.abc import Callable
from contextlib import ExitStack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.common.steps import ensure_impartial
from cases.models import SelectionApplication, SelectionCall
from workflow.flows.selection import SelectionFlow
from workflow.tasks import OPEN, TaskUnavailable, task_complete, user_may_take


def call_tasks(call: SelectionCall, node) -> list[Task]:
    """The open tasks at `node` of every application of the call, in process order (the lock order)."""
    return list(
        Task.objects.filter(process__selection_application__call=call, flow_task=node, status__in=OPEN).order_by(
            "process_id", "pk"
        )
    )


def run_call_step(*, call: SelectionCall, actor, node, work: Callable[[SelectionCall], None]) -> SelectionCall:
    """Do the work of a step of the whole call once and complete every application's task at `node`.

    All or nothing, in the one lock order: every application's process row (by id), the call's row, then
    each task as it is completed (claimed from the queue if the actor may take it). A task someone else
    holds stops it: they release it or the chief reassigns it first.
    """
    tasks = call_tasks(call, node)
    if not tasks:
        raise TaskUnavailable(_("There is no open task at this step of %(call)s.") % {"call": call})
    for task in tasks:
        if task.owner_id not in (None, actor.pk) or (task.status == STATUS.NEW and not user_may_take(actor, task)):
            holder = task.owner.get_full_name() or task.owner.username if task.owner_id else ""
            raise TaskUnavailable(
                _("The task of %(subject)s at this step is held by %(holder)s: it must be released or reassigned.")
                % {"subject": task.process.artifact, "holder": holder or _("another role")}
            )
    applications = SelectionApplication.objects.filter(process_id__in=[task.process_id for task in tasks])
    for application in applications.select_related("organisation"):
        ensure_impartial(application.organisation, actor)
    with ExitStack() as stack:
        stack.enter_context(transaction.atomic())
        for process_id in sorted({task.process_id for task in tasks}):
            stack.enter_context(SelectionFlow.lock(process_id))
        locked_call = SelectionCall.objects.select_for_update().get(pk=call.pk)
        first, *others = tasks
        task_complete(task_id=first.pk, actor=actor, work=lambda: work(locked_call), claim=True)
        for task in others:
            task_complete(task_id=task.pk, actor=actor, work=lambda: None, claim=True)
    return locked_call


def flow_start_at(flow_class, *, subject, node) -> None:
    """Start the flow of a case at `node` instead of its first step (the steps before it were done elsewhere).

    Like workflow.services.flow_start, the case becomes the artifact of a new process and holds it; the start
    task is completed and the task at `node` created as if the flow had arrived there (its deadline, its
    to-do row and its owner told, through the node's own onCreate).
    """
    if subject.process_id:
        raise ValidationError(_("The flow of %(subject)s has already started.") % {"subject": subject})
    start = flow_class.start
    activation = start.activation_class.create(start, None, None)
    activation.process.artifact = subject
    with transaction.atomic():
        activation.process.save()
        with flow_class.lock(activation.process.pk):
            activation.complete()
            later = node._create(activation, activation.task.token)  # noqa: SLF001 (viewflow's own way in)
            activation._activate_next({later})  # noqa: SLF001
        subject.process = activation.process
        subject.save(update_fields=["process"])
