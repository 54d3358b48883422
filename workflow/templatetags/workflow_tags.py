from django import template

from cases.applications.steps import step_title as _step_title
from workflow.deadlines import attach_due_status
from workflow.deadlines import case_clock as _case_clock

register = template.Library()


@register.filter
def step_title(task) -> str:
    return _step_title(task)


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
