from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from cases.models import SelectionCall
from cases.selection.services.calls import LOTS

register = template.Library()


@register.filter
def amended_field(name: str) -> str:
    """The label of what an amendment changed, in the reader's language (the record keeps the field's name)."""
    if name == LOTS:
        return _("Occupations, levels and quotas")
    try:
        return str(SelectionCall._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
