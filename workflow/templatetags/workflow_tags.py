from urllib.parse import urlencode

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from workflow.deadlines import attach_due_status
from workflow.deadlines import case_clock as _case_clock
from workflow.steps import work_title as _work_title

register = template.Library()


@register.filter
def step_title(task) -> str:
    return str(task.flow_task.task_title)


@register.simple_tag
def case_clock(application, open_tasks=None):
    """The case's clock (workflow.deadlines.CaseClock), or None before submission.

    Given the page's open tasks (with their deadlines loaded), also sets `task.due` on each.
    """
    if open_tasks is not None:
        attach_due_status(open_tasks)
    if not application.process_id:
        return None
    return _case_clock(process=application.process)


@register.simple_tag
def due_badge(due) -> str:
    """A task's due date and working days left; `due` is a workflow.deadlines.DueStatus or None.

    A tag rather than an included template: it is drawn on every row of the task lists.
    """
    if due is None:
        return mark_safe('<span class="muted">—</span>')
    state = " due--overdue" if due.overdue else " due--soon" if due.due_soon else ""
    return format_html(
        '<span class="due{}" data-due="{}">{}</span>\n<small class="due-left{}">{}</small>',
        state,
        due.due_on.isoformat(),
        due.due_on.isoformat(),
        state,
        _days_left(due),
    )


def _days_left(due) -> str:
    if due.overdue and due.days_late:
        return ngettext("overdue by %(days)s working day", "overdue by %(days)s working days", due.days_late) % {
            "days": due.days_late
        }
    if due.overdue:
        return gettext("overdue")
    if due.remaining == 0:
        return gettext("due today")
    return ngettext("%(days)s working day left", "%(days)s working days left", due.remaining) % {"days": due.remaining}


@register.filter
def minute(value) -> str:
    """A moment as local time to the minute (YYYY-MM-DD HH:MM), as |date:"Y-m-d H:i" gives it; without Django's
    general date formatting, which costs ten times more on every row of the task lists."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@register.filter
def work_title(item) -> str:
    """The step title of a to-do row."""
    return str(_work_title(item.kind, item.step))


@register.simple_tag
def query_string(params: dict, **changes) -> str:
    """A list's query string: its filters, with `changes` (empty values dropped)."""
    merged = {**params, **changes}
    return urlencode({key: value for key, value in merged.items() if value})


@register.simple_tag
def area_menu(app, request) -> list[dict]:
    """The menu entries of an area for this request (config.areas.AreaApplication.menu_entries_for)."""
    return app.menu_entries_for(request)
