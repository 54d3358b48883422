"""Labels for the registry's and supervision's audit events and states, in the user's language."""

from django import template

from cases.models import CaseState, Filing, SkillLevel

register = template.Library()

STATE_LABELS = {**dict(CaseState.choices), **dict(Filing.Status.choices)}


@register.filter
def event_label(event) -> str:
    return event.action_label


@register.filter
def state_label(code: str) -> str:
    return str(STATE_LABELS.get(code, code or "–"))


@register.filter
def level_label(level) -> str:
    return str(SkillLevel(int(level)).label) if str(level).isdigit() and int(level) in SkillLevel.values else ""
