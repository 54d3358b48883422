"""The to-do rows (workflow.models.WorkItem), kept in step with the tasks and seats they stand for.

A task's row is written when the task is created (the node's onCreate, see `task_created`), claimed,
released, reassigned, completed or cancelled (workflow.tasks), and a seat's row when the seat is drawn
and answered (cases.draws.services); always inside the transaction that changes the task or seat, so
that the lists never show work that is done or miss work that is waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow.calendar import due_date
from workflow.deadlines import deadline_for_new_task
from workflow.models import StepCode, TaskDeadline, WorkItem
from workflow.notifications import notify_task_assigned
from workflow.steps import flow_pages, subject_of, task_url

OPEN = [STATUS.NEW, STATUS.ASSIGNED]
STAFF, BODY = "staff", "body"  # who does the work of a node: the regulator's people, or the case's organisation


def task_created(
    step_code: str,
    *,
    due_on: Callable[[object], date] | None = None,
    responsible: Callable[[object], object] | None = None,
) -> Callable[[object], None]:
    """A node's `.onCreate(...)` callback: the new task's due date, its to-do row, and its owner told it is theirs.

    The due date is the step's limit in working days (workflow.deadlines) unless `due_on(activation)` gives
    one; `responsible(activation)` is who is reminded of a step nobody claims.
    """

    def on_create(activation):
        task = activation.task
        deadline_for_new_task(
            task,
            step_code,
            due_on=due_on(activation) if due_on else None,
            responsible=responsible(activation) if responsible else None,
        )
        work_item_sync(task)
        if task.owner_id:
            notify_task_assigned(task=task)

    on_create.step_code = step_code  # read by the deadline backfill of older tasks
    return on_create


def _audience(task: Task) -> str | None:
    return getattr(task.flow_task, "audience", None)


def _deadline(task: Task) -> TaskDeadline | None:
    try:
        return task.deadline
    except TaskDeadline.DoesNotExist:
        return TaskDeadline.objects.filter(task_id=task.pk).first()


def work_item_sync(task: Task, *, actor=None) -> WorkItem | None:
    """Write the to-do row of a task as the task stands now; None for a task that is nobody's work (a gateway).

    `actor` is who finished the task when that is not its owner (the member of the body who answered).
    """
    audience = _audience(task)
    if audience is None:
        return None
    subject = subject_of(task)
    pages = flow_pages(task.flow_task.flow_class)
    organisation = pages.organisation(subject)
    deadline = _deadline(task)
    is_open = task.status in OPEN
    finished_by = None if is_open else (actor or task.owner)
    return _write(
        f"task:{task.pk}",
        {
            "kind": pages.kind,
            "step": task.flow_task.name,
            "task": task,
            "subject": str(subject),
            "subject_url": pages.subject_url(subject),
            "url": task_url(task),
            "organisation": organisation,
            "district_id": organisation.district_id,
            "owner_id": task.owner_id,
            "permission": task.owner_permission or "",
            "for_body": audience == BODY,
            "is_open": is_open,
            "created_at": task.created,
            "due_on": deadline.due_on if deadline else task.created.date(),
            "finished_at": None if is_open else (task.finished or task.created),
            "finished_by": finished_by,
        },
    )


def work_items_sync_process(process_id: int, *, actor=None) -> None:
    """Bring every to-do row of one process up to date (after viewflow changed several tasks: a cancel)."""
    for task in Task.objects.filter(process_id=process_id).select_related("process", "owner"):
        work_item_sync(task, actor=actor)


def work_item_seat(seat, *, actor=None) -> WorkItem:
    """Write the to-do row of a drawn seat: open while the drawn person has not answered."""
    from cases.models import DrawSeat  # workflow does not import the domain at module level

    application = seat.draw.application
    organisation = application.organisation
    is_open = seat.status == DrawSeat.Status.PENDING
    started = seat.draw.drawn_at
    return _write(
        f"seat:{seat.pk}",
        {
            "kind": WorkItem.Kind.SEAT,
            "step": f"seat_{seat.draw.kind}",
            "subject": str(application),
            "subject_url": reverse("applications:detail", args=[application.pk]),
            "url": reverse("assignments:index") + f"#seat-{seat.pk}",
            "organisation": organisation,
            "district_id": organisation.district_id,
            "owner_id": seat.user_id,
            "is_open": is_open,
            "created_at": started,
            "due_on": due_date(started, StepCode.SEAT_ANSWER),
            "finished_at": None if is_open else (seat.responded_at or started),
            "finished_by": None if is_open else (actor or seat.user),
        },
    )


def _write(key: str, values: dict) -> WorkItem:
    """Insert the row of `key` or bring it to `values`, in one statement (INSERT ... ON CONFLICT DO UPDATE).

    update_or_create took a savepoint, a locking read and a write (and a second savepoint to insert), on every
    step of every flow; the upsert waits on the row's lock as that read did.
    """
    item = WorkItem(key=key, **values)
    WorkItem.objects.bulk_create([item], update_conflicts=True, unique_fields=["key"], update_fields=list(values))
    return item
