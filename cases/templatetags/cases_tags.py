from datetime import date

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from audits.masking import mask_id_number
from cases.models import EvaluationMethod, Filing, SkillLevel, TargetPopulation

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


@register.simple_tag
def filing_status(status: str, stored_status: str, valid_until, changed_on) -> str:
    """A filing's status as of today (Filing.status_on) as a badge, with the day it ran out or changed.

    The dates may be dates or ISO text (the registry's plain rows)."""
    badge = format_html(
        '<span class="state state--{}" data-testid="status">{}</span>', status, Filing.Status(status).label
    )
    if status == Filing.Status.EXPIRED and stored_status != Filing.Status.EXPIRED:
        return format_html('{} <small class="muted">{}</small>', badge, _iso(valid_until))
    if status != Filing.Status.ACTIVE and changed_on:
        since = _("since %(date)s") % {"date": _iso(changed_on)}
        return format_html('{} <small class="muted">{}</small>', badge, since)
    return badge


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
