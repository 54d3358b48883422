"""Task deadlines, the case clock and the SLA sweep, for every flow.

Each human (or waiting) task gets a `TaskDeadline` when viewflow creates it: its step's limit in
working days, counted from the day it was created (workflow.calendar). A flow asks for that on the
node itself, so the rule stays visible where the flow is described::

    review = human(_("Completeness review"), permission=REVIEW, limit=StepCode.REVIEW)
    respond = waiting(_("Rectification by the body"), limit="rectification", due_on=_order_deadline)

(workflow.nodes; the node's onCreate is workflow.todo.task_created, which calls deadline_for_new_task).

A task that follows a task of the same step (plan the inspection -> the inspection itself)
continues that step's clock: one stage, one due date. Tasks of the steps in PAUSE_STEPS are the
periods in which the applicant, not the regulator, has the case; the case clock leaves them out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow.calendar import WorkingCalendar, step_limit
from workflow.models import StepCode, TaskDeadline, WorkItem

logger = logging.getLogger(__name__)

OPEN = [STATUS.NEW, STATUS.ASSIGNED]
# While a task of one of these steps is open the case waits for the applicant or the body: the regulator's
# clock stops.
PAUSE_STEPS = frozenset({StepCode.SUPPLEMENT, StepCode.BATCH_FIX, "rectification"})


# Creating deadlines


def deadline_for_new_task(task: Task, step_code: str, *, due_on: date | None = None, responsible=None) -> TaskDeadline:
    """Give a just-created task its due date (idempotent: a task keeps the deadline it got first).

    `step_code` is a StepCode (its limit counts from the task's creation day) or, with `due_on`,
    any short code naming where the date comes from. `responsible` is reminded of a task nobody
    claims (the applicant of a supplement).
    """
    existing = TaskDeadline.objects.filter(task=task).first()
    if existing is not None:
        return existing
    started_on = timezone.localdate(task.created) if task.created else timezone.localdate()
    if due_on is None:
        due_on = _continued_due_date(task, step_code) or WorkingCalendar().add_working_days(
            started_on, step_limit(step_code)
        )
    deadline = TaskDeadline.objects.create(
        task=task,
        step=step_code,
        started_on=started_on,
        due_on=max(due_on, started_on),
        responsible=responsible,
        escalates=task.flow_task_type == "HUMAN",
    )
    task.deadline = deadline  # the caller's instance sees it without a query
    return deadline


def _continued_due_date(task: Task, step_code: str) -> date | None:
    """The due date of the task before this one if it belongs to the same step (one stage, one clock).

    Gateways (split, join, switch) have no deadline: look through them to the human task before,
    so that the experts' scoring continues the clock of the panel draw that preceded the split.
    """
    frontier = list(task.previous.all())
    for _depth in range(5):
        if not frontier:
            return None
        found = list(TaskDeadline.objects.filter(task__in=frontier).values_list("step", "due_on"))
        if found:
            same = [due_on for step, due_on in found if step == step_code]
            return max(same) if same else None
        frontier = list(Task.objects.filter(leading__in=frontier).distinct())
    return None


# Reading deadlines


@dataclass(frozen=True)
class DueStatus:
    """Where a task stands against its due date, in working days (for a list row)."""

    due_on: date
    remaining: int  # working days left: 0 on the due date, negative once overdue
    overdue: bool
    due_soon: bool

    @property
    def days_late(self) -> int:
        return max(-self.remaining, 0)


def warning_window_end(today: date, calendar: WorkingCalendar | None = None) -> date:
    """The last due date that counts as "due soon" today."""
    calendar = calendar or WorkingCalendar()
    return calendar.add_working_days(today, settings.SLA_WARNING_WORKING_DAYS)


def attach_due_status(rows: Iterable, *, today: date | None = None) -> None:
    """Set `row.due` (a DueStatus, or None once done) on each task (with its deadline loaded) or to-do row.

    One WorkingCalendar for the lot: one query for the overrides of the years the rows span, whatever their number.
    """
    today = today or timezone.localdate()
    rows = [(row, _open_due_date(row)) for row in rows]
    dates = [due_on for _row, due_on in rows if due_on is not None]
    calendar = WorkingCalendar()
    if dates:
        calendar.cover(min(today, *dates), max(today, *dates))  # the years of every row at once
    soon = None
    for row, due_on in rows:
        if due_on is None:
            row.due = None
            continue
        soon = soon or warning_window_end(today, calendar)
        remaining = calendar.working_days_between(today, due_on)
        overdue = due_on < today
        row.due = DueStatus(due_on, remaining, overdue, not overdue and due_on <= soon)


def _open_due_date(row) -> date | None:
    if isinstance(row, WorkItem):
        return row.due_on if row.is_open else None
    deadline = _loaded_deadline(row)
    return deadline.due_on if deadline is not None and row.status in OPEN else None


def _loaded_deadline(task: Task) -> TaskDeadline | None:
    try:
        return task.deadline
    except TaskDeadline.DoesNotExist:
        return None


# The case clock


@dataclass(frozen=True)
class Pause:
    started_on: date
    ended_on: date | None  # None: still paused
    working_days: int


@dataclass(frozen=True)
class CaseClock:
    """The regulator's time on a case in working days, without the periods it waited for the applicant."""

    started_on: date
    ended_on: date | None  # the day the process finished, if it has
    elapsed: int  # the regulator's working days
    paused: int  # working days spent waiting for the applicant
    pauses: list[Pause] = field(default_factory=list)
    resume_due_on: date | None = None  # while paused: the date the applicant's turn is due

    @property
    def paused_since(self) -> date | None:
        return next((pause.started_on for pause in self.pauses if pause.ended_on is None), None)


def case_clock(*, process, today: date | None = None) -> CaseClock:
    """The clock of one process: working days since it started, less the paused periods."""
    today = today or timezone.localdate()
    calendar = WorkingCalendar()
    started_on = timezone.localdate(process.created)
    ended_on = timezone.localdate(process.finished) if process.finished else None
    until = ended_on or today
    pause_deadlines = (
        TaskDeadline.objects.filter(task__process=process, step__in=PAUSE_STEPS)
        .select_related("task")
        .order_by("task__created", "pk")
    )
    pauses, resume_due_on = [], None
    for deadline in pause_deadlines:
        task = deadline.task
        start = timezone.localdate(task.created)
        end = timezone.localdate(task.finished) if task.finished else None
        if end is None:
            resume_due_on = deadline.due_on
        days = calendar.working_days_between(start, min(end or until, until))
        pauses.append(Pause(start, end, max(days, 0)))
    paused = sum(pause.working_days for pause in pauses)
    total = calendar.working_days_between(started_on, until)
    return CaseClock(started_on, ended_on, max(total - paused, 0), paused, pauses, resume_due_on)
