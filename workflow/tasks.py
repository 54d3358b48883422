"""Claiming, releasing, reassigning and completing flow tasks, safely under concurrency."""

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audits.services import audit_record
from workflow.notifications import notify_task_reassigned

OPEN = [STATUS.NEW, STATUS.ASSIGNED]


class TaskUnavailable(Exception):
    """The task was completed, claimed or changed by someone else; the message says which."""


def user_may_take(user, task) -> bool:
    """A task in a role queue may be taken by anyone holding its permission."""
    return bool(task.owner_permission) and user.has_perm(task.owner_permission)


def _locked(task_id: int) -> Task:
    task = Task.objects.select_for_update().select_related("process").filter(pk=task_id).first()
    if task is None:
        raise TaskUnavailable(_("This task no longer exists."))
    return task


def task_claim(*, task_id: int, actor) -> Task:
    """Take a queued task into one's own inbox."""
    with transaction.atomic():
        task = _locked(task_id)
        if task.status != STATUS.NEW:
            raise TaskUnavailable(_("This task has already been claimed or completed."))
        if not user_may_take(actor, task):
            raise TaskUnavailable(_("Your role may not take this task."))
        activation = task.flow_task.activation_class(task)
        activation.assign(actor)
        audit_record(actor=actor, action="task.claimed", obj=task, data={"step": task.flow_task.name})
        return task


def task_release(*, task_id: int, actor) -> Task:
    """Put a claimed task back into the role queue."""
    with transaction.atomic():
        task = _locked(task_id)
        if task.status != STATUS.ASSIGNED or task.owner_id != actor.pk or not task.owner_permission:
            raise TaskUnavailable(_("Only the holder of a claimed queue task can release it."))
        task.flow_task.activation_class(task).unassign()
        audit_record(actor=actor, action="task.released", obj=task, data={"step": task.flow_task.name})
        return task


def task_reassign(*, task_id: int, actor, to_user) -> Task:
    """The chief hands an open task to a named colleague; both the new and the previous holder are told."""
    with transaction.atomic():
        task = _locked(task_id)
        if task.status not in OPEN:
            raise TaskUnavailable(_("This task has already been completed."))
        if task.owner_permission and not to_user.has_perm(task.owner_permission):
            raise TaskUnavailable(_("%(user)s does not hold the role this task needs.") % {"user": to_user})
        previous = task.owner
        task.owner = to_user
        task.status = STATUS.ASSIGNED
        task.save(update_fields=["owner", "status"])
        event = audit_record(
            actor=actor,
            action="task.reassigned",
            obj=task,
            data={"step": task.flow_task.name, "from": str(previous or ""), "to": str(to_user)},
        )
        notify_task_reassigned(task=task, previous_owner=previous, actor=actor, event=f"audit{event.pk}")
        return task


def task_complete(*, task_id: int, actor, work: Callable[[], None]) -> Task:
    """Run `work` (the step's service body) and complete the task, all or nothing.

    The flow lock (SELECT ... FOR UPDATE on the process row) plus the re-read task
    status make a second completion of the same task fail cleanly instead of winning.
    """
    task = Task.objects.filter(pk=task_id).select_related("process").first()
    if task is None:
        raise TaskUnavailable(_("This task no longer exists."))
    try:
        with task.flow_task.flow_class.lock(task.process_id), transaction.atomic():
            task = _locked(task_id)
            if task.status != STATUS.ASSIGNED or task.owner_id != actor.pk:
                raise TaskUnavailable(_("This task is not in your inbox any more (completed or reassigned)."))
            activation = task.flow_task.activation_class(task)
            activation.start(None)
            work()
            activation.execute()
            audit_record(actor=actor, action="task.completed", obj=task, data={"step": task.flow_task.name})
            return task
    except FlowLockFailed:
        raise TaskUnavailable(_("Someone else is working on this case right now; try again in a moment.")) from None
