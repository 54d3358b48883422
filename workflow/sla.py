"""The SLA sweep: deadlines of older tasks backfilled, reminders, overdue marks, escalations to the chiefs.

Safe to run any number of times, also concurrently: each step is claimed with a conditional UPDATE of
its time stamp, and only the run that claims it notifies (the notification itself is unique per
recipient and event). It also writes any missing to-do row (tasks from before the to-do lists).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from viewflow.workflow.models import Task

from audits.services import audit_record
from workflow import notifications, roles
from workflow.calendar import WorkingCalendar
from workflow.deadlines import OPEN, deadline_for_new_task, warning_window_end
from workflow.models import NotificationKind, TaskDeadline
from workflow.todo import work_item_sync

logger = logging.getLogger(__name__)


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
                deadline_for_new_task(task, step_code)
            done.append(task.pk)
    return done


def backfill_work_items() -> int:
    """Write the to-do row of every open task that has none (tasks created before the to-do lists)."""
    done = 0
    for task in Task.objects.filter(status__in=OPEN, work__isnull=True, deadline__isnull=False).order_by("pk"):
        with transaction.atomic():
            done += work_item_sync(task) is not None
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
    today = today or timezone.localdate()
    calendar = WorkingCalendar()
    soon = warning_window_end(today, calendar)
    grace = settings.SLA_ESCALATION_GRACE_WORKING_DAYS
    result = SweepResult(backfilled=backfill_deadlines())
    backfill_work_items()
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
