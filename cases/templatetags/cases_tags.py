from django import template

from audits.masking import mask_id_number
from cases.models import EvaluationMethod, SkillLevel, TargetPopulation

register = template.Library()


def _labels(values, choices) -> str:
    labels = dict(choices)
    return "、".join(str(labels.get(value, value)) for value in values or [])


@register.filter
def level_labels(levels) -> str:
    return _labels(sorted(levels or []), SkillLevel.choices)


@register.filter
def method_labels(methods) -> str:
    return _labels(methods, EvaluationMethod.choices)


@register.filter
def population_labels(populations) -> str:
    return _labels(populations, TargetPopulation.choices)


@register.filter
def masked_id(value: str) -> str:
    return mask_id_number(value or "")


@register.filter
def step_title(task) -> str:
    return str(task.flow_task.task_title)
