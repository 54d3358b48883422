"""Claiming, releasing, reassigning and completing tasks of every flow, safely under concurrency.

Each function takes the locks in the one order (workflow.locks: process, task, then the case's rows),
re-reads the task under them, refuses with TaskUnavailable when someone else was first, writes the
task's to-do row and its audit event in the same transaction, and tells the people concerned.
"""

from collections.abc import Callable
from contextlib import contextmanager

from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audits.services import audit_record
from workflow.locks import locked_task
from workflow.notifications import notify_task_reassigned
from workflow.todo import work_item_sync

OPEN = [STATUS.NEW, STATUS.ASSIGNED]


class TaskUnavailable(Exception):
    """The task was completed, claimed or changed by someone else; the message says which."""


def user_may_take(user, task) -> bool:
    """A task in a role queue may be taken by anyone holding the permission its step names."""
    return bool(task.owner_permission) and user.has_perm(task.owner_permission)


@contextmanager
def task_locked(task_id: int):
    """The task, locked after its process (one transaction); TaskUnavailable if it is gone or the case is busy."""
    task = Task.objects.filter(pk=task_id).select_related("process").first()
    if task is None:
        raise TaskUnavailable(_("This task no longer exists."))
    try:
        with task.flow_task.flow_class.lock(task.process_id):
            task = locked_task(task_id)
            if task is None:
                raise TaskUnavailable(_("This task no longer exists."))
            yield task
    except (FlowLockFailed, DatabaseError) as error:
        if isinstance(error, DatabaseError) and not _is_lock_timeout(error):
            raise
        raise TaskUnavailable(_("Someone else is working on this case right now; try again in a moment.")) from None


def _is_lock_timeout(error: DatabaseError) -> bool:
    return "lock timeout" in str(error)


def _claim(task: Task, actor) -> None:
    if task.status != STATUS.NEW:
        raise TaskUnavailable(_("This task has already been claimed or completed."))
    if not user_may_take(actor, task):
        raise TaskUnavailable(_("Your role may not take this task."))
    task.flow_task.activation_class(task).assign(actor)
    work_item_sync(task)
    audit_record(actor=actor, action="task.claimed", obj=task, data={"step": task.flow_task.name})


def task_claim(*, task_id: int, actor) -> Task:
    """Take a queued task into one's own inbox."""
    with task_locked(task_id) as task:
        _claim(task, actor)
        return task


def task_release(*, task_id: int, actor) -> Task:
    """Put a claimed task back into the role queue."""
    with task_locked(task_id) as task:
        if task.status != STATUS.ASSIGNED or task.owner_id != actor.pk or not task.owner_permission:
            raise TaskUnavailable(_("Only the holder of a claimed queue task can release it."))
        task.flow_task.activation_class(task).unassign()
        work_item_sync(task)
        audit_record(actor=actor, action="task.released", obj=task, data={"step": task.flow_task.name})
        return task


def task_reassign(*, task_id: int, actor, to_user, follows_seat: bool = False) -> Task:
    """Hand an open task to a named colleague; both the new and the previous holder are told.

    A queue step goes only to someone holding the permission it names. A step with an assignee (the drawn
    team leader, an expert) is not reassigned by hand: it follows the seat when the seat is redrawn
    (`follows_seat`, cases.draws.services).
    """
    with task_locked(task_id) as task:
        if task.status not in OPEN:
            raise TaskUnavailable(_("This task has already been completed."))
        if not task.owner_permission and not follows_seat:
            raise TaskUnavailable(
                _("This step belongs to the person drawn for it; release their seat to draw a replacement.")
            )
        if task.owner_permission and not to_user.has_perm(task.owner_permission):
            raise TaskUnavailable(_("%(user)s does not hold the role this task needs.") % {"user": to_user})
        previous = task.owner
        task.owner, task.status = to_user, STATUS.ASSIGNED
        task.save(update_fields=["owner", "status"])
        work_item_sync(task)
        audit_record(
            actor=actor,
            action="task.reassigned",
            obj=task,
            data={"step": task.flow_task.name, "from": str(previous or ""), "to": str(to_user)},
        )
        # The audit event gets its id only at commit: name this reassignment by its own moment instead.
        event = f"reassigned{timezone.now().timestamp():.6f}"
        notify_task_reassigned(task=task, previous_owner=previous, actor=actor, event=event)
        return task


def task_complete(*, task_id: int, actor, work: Callable[[], None], claim: bool = False) -> Task:
    """Run `work` (the step's service body, which locks the case's rows) and complete the task: all or nothing.

    With `claim`, a queued task the actor may take is claimed in the same transaction (a service called
    directly, by the API or a test). A second completion of the same task finds it done and is refused.
    """
    with task_locked(task_id) as task:
        if claim and task.status == STATUS.NEW and user_may_take(actor, task):
            _claim(task, actor)
        if task.status != STATUS.ASSIGNED or task.owner_id != actor.pk:
            raise TaskUnavailable(_("This task is not in your inbox any more (completed or reassigned)."))
        activation = task.flow_task.activation_class(task)
        activation.start(None)
        work()
        activation.execute()
        work_item_sync(task)
        audit_record(actor=actor, action="task.completed", obj=task, data={"step": task.flow_task.name})
        return task


def waiting_task_complete(*, task: Task, actor) -> Task:
    """Complete a step that waited for the organisation (its answer came in); call it holding the process lock."""
    task = locked_task(task.pk)
    if task is None or task.status != STATUS.NEW:
        raise TaskUnavailable(_("This step has already been answered."))
    task.flow_task.run(task)
    task.refresh_from_db()
    work_item_sync(task, actor=actor)
    return task
