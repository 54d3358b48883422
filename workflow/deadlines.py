"""Task deadlines, the case clock and the SLA sweep, for every flow.

Each human (or waiting) task gets a `TaskDeadline` when viewflow creates it: its step's limit in
working days, counted from the day it was created (workflow.calendar). A flow asks for that on the
node itself, so the rule stays visible where the flow is described::

    review = flow.View(...).onCreate(deadline_on_create(StepCode.REVIEW))
    fix = nodes.Handle().onCreate(deadline_on_create(StepCode.BATCH_FIX, responsible=_submitter))

or, for a deadline that is not a step limit (a rectification order's own date), from its own
onCreate method: ``deadline_for_new_task(activation.task, "rectification", due_on=order.deadline)``.

A task that follows a task of the same step (plan the inspection -> the inspection itself)
continues that step's clock: one stage, one due date. Tasks of the steps in PAUSE_STEPS are the
periods in which the applicant, not the regulator, has the case; the case clock leaves them out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audits.services import audit_record
from workflow import roles
from workflow.calendar import WorkingCalendar, step_limit
from workflow.models import NotificationKind, StepCode, TaskDeadline

logger = logging.getLogger(__name__)

OPEN = [STATUS.NEW, STATUS.ASSIGNED]
# While a task of one of these steps is open the case waits for the applicant: the regulator's clock stops.
PAUSE_STEPS = frozenset({StepCode.SUPPLEMENT, StepCode.BATCH_FIX})


# Creating deadlines


def deadline_for_new_task(
    task: Task, step_code: str, *, due_on: date | None = None, responsible=None, notify: bool = True
) -> TaskDeadline:
    """Give a just-created task its due date (idempotent: a task keeps the deadline it got first).

    `step_code` is a StepCode (its limit counts from the task's creation day) or, with `due_on`,
    any short code naming where the date comes from. `responsible` is reminded of a task nobody
    claims (the applicant of a supplement). If the task was created with an owner, that owner is
    told the task is theirs (`notify=False` leaves that to the caller).
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
    if notify and task.owner_id:
        from workflow.notifications import notify_task_assigned

        notify_task_assigned(task=task, actor=None)
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


def deadline_on_create(step_code: str, *, responsible: Callable | None = None) -> Callable[[object], TaskDeadline]:
    """A callback for a node's `.onCreate(...)`: the new task's deadline from its step limit.

    `responsible`, if given, is called with the activation and returns the user to remind.
    """

    def on_create(activation):
        user = responsible(activation) if responsible else None
        return deadline_for_new_task(activation.task, step_code, responsible=user)

    on_create.step_code = step_code
    return on_create


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


def attach_due_status(tasks: Iterable[Task], *, today: date | None = None) -> None:
    """Set `task.due` (a DueStatus, or None) on each task; tasks must come with their deadline loaded.

    One WorkingCalendar for the lot: one query for the year's overrides, whatever the number of rows.
    """
    today = today or timezone.localdate()
    calendar = WorkingCalendar()
    soon = None
    for task in tasks:
        deadline = _loaded_deadline(task)
        if deadline is None or task.status not in OPEN:
            task.due = None
            continue
        soon = soon or warning_window_end(today, calendar)
        remaining = calendar.working_days_between(today, deadline.due_on)
        overdue = deadline.due_on < today
        task.due = DueStatus(deadline.due_on, remaining, overdue, not overdue and deadline.due_on <= soon)


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


# Links to tasks, per flow

# Flow class name -> function giving the page where a task of that flow is worked on. Flows whose
# pages are not known here fall back to a guess by URL name, then to the start page.
TASK_PAGES: dict[str, Callable[[Task], str]] = {}
_GUESSED_URL_NAMES = {"SupervisionFlow": "supervision:task", "ResultBatchFlow": "certificate_review:task"}


def register_task_page(flow_class, page: Callable[[Task], str]) -> None:
    """Tell notifications where the tasks of a flow are opened (`page(task)` returns a path)."""
    TASK_PAGES[flow_class.__name__] = page


def task_url(task: Task) -> str:
    flow_name = task.flow_task.flow_class.__name__
    page = TASK_PAGES.get(flow_name)
    if page is not None:
        return page(task)
    try:
        return reverse(_GUESSED_URL_NAMES.get(flow_name, "tasks:detail"), kwargs={"task_pk": task.pk})
    except NoReverseMatch:
        return reverse("workbench:index")


# The SLA sweep


@dataclass
class SweepResult:
    backfilled: list[int] = field(default_factory=list)
    warned: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)


def backfill_deadlines() -> list[int]:
    """Give open tasks created before their node asked for a deadline (older data) one, from their creation day."""
    done = []
    missing = Task.objects.filter(status__in=OPEN, flow_task_type__in=["HUMAN", "FUNCTION"], deadline__isnull=True)
    for task in missing.order_by("pk"):
        try:
            step_code = getattr(getattr(task.flow_task, "_on_create", None), "step_code", None)
        except Exception:  # a node renamed or removed since: nothing to go by
            logger.warning("Task %s refers to an unknown flow node; no deadline given", task.pk)
            continue
        if step_code is not None:
            with transaction.atomic():
                deadline_for_new_task(task, step_code, notify=False)
            done.append(task.pk)
    return done


def chiefs():
    return get_user_model().objects.filter(groups__name=roles.CHIEF, is_active=True).order_by("pk")


def sla_sweep(*, today: date | None = None) -> SweepResult:
    """Remind of tasks due soon, mark and report overdue ones, escalate those past the grace to the chiefs.

    First gives a deadline to any open task that lacks one (tasks from before this feature).

    Safe to run any number of times, also concurrently: each step is claimed with a conditional
    UPDATE of its time stamp, and only the run that claims it notifies (and the notification
    itself is unique per recipient and event).
    """
    from workflow import notifications

    today = today or timezone.localdate()
    calendar = WorkingCalendar()
    soon = warning_window_end(today, calendar)
    grace = settings.SLA_ESCALATION_GRACE_WORKING_DAYS
    result = SweepResult(backfilled=backfill_deadlines())
    # Only what is still to do: the set stays small however many deadlines have been handled.
    to_do = (
        Q(due_on__gte=today, warned_at__isnull=True)
        | Q(due_on__lt=today, overdue_at__isnull=True)
        | Q(due_on__lt=today, escalates=True, escalated_at__isnull=True)
    )
    pending = (
        TaskDeadline.objects.filter(to_do, task__status__in=OPEN, due_on__lte=soon)
        .select_related("task__owner", "task__process", "responsible")
        .order_by("due_on", "pk")
    )
    for deadline in pending:
        overdue = deadline.due_on < today
        with transaction.atomic():
            if not overdue:
                if _claim(deadline, "warned_at"):
                    notifications.notify_deadline(deadline=deadline, kind=NotificationKind.DEADLINE_APPROACHING)
                    result.warned.append(deadline.task_id)
                continue
            if _claim(deadline, "overdue_at"):
                _claim(deadline, "warned_at")  # a reminder after the due date would say the wrong thing
                notifications.notify_deadline(deadline=deadline, kind=NotificationKind.DEADLINE_OVERDUE)
                result.overdue.append(deadline.task_id)
            late_by = calendar.working_days_between(deadline.due_on, today)
            if deadline.escalates and late_by > grace and _claim(deadline, "escalated_at"):
                notifications.notify_escalation(deadline=deadline, recipients=chiefs(), late_by=late_by)
                audit_record(
                    actor=None,
                    action="task.escalated",
                    obj=deadline.task,
                    data={"step": deadline.task.flow_task.name, "due_on": deadline.due_on, "late_by": late_by},
                )
                result.escalated.append(deadline.task_id)
    return result


def _claim(deadline: TaskDeadline, stamp: str) -> bool:
    """Set one of the sweep's time stamps if no run has set it yet; True for the run that did."""
    if getattr(deadline, stamp) is not None:
        return False
    now = timezone.now()
    claimed = TaskDeadline.objects.filter(pk=deadline.pk, **{f"{stamp}__isnull": True}).update(**{stamp: now})
    if claimed:
        setattr(deadline, stamp, now)
    return bool(claimed)
