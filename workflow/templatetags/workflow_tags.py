from django import template

from workflow.steps import step_title as _step_title

register = template.Library()


@register.filter
def step_title(task) -> str:
    return _step_title(task)
