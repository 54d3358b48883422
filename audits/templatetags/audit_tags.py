from functools import cache

from django import template
from django.apps import apps
from django_fsm import FSMFieldMixin

register = template.Library()


@cache
def _state_choices(object_type: str) -> dict:
    """The labels of the model's fsm field, found from the event's object type."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    for field in model._meta.fields:
        if isinstance(field, FSMFieldMixin) and field.choices:
            return dict(field.choices)
    return {}


@register.simple_tag
def state_label(event, state: str) -> str:
    """A recorded state code shown with its label in the current language ('–' when empty)."""
    if not state:
        return "–"
    return str(_state_choices(event.object_type).get(state, state))
