from urllib.parse import urlencode

from django import template

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
