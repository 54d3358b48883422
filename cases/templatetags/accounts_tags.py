from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("registration/_two_factor_off.html")
def two_factor_off_banner():
    """A banner on every page while two-factor authentication is off (development servers only)."""
    return {"shown": not settings.TWO_FACTOR_REQUIRED}
