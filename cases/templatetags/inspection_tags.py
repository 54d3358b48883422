"""Template helpers for inspection evidence."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def position(photo) -> str:
    """The photo's EXIF position as 39.907400°N, 116.391500°E, or an empty string."""
    if photo.latitude is None or photo.longitude is None:
        return ""
    lat, lon = photo.latitude, photo.longitude
    return _("%(lat)s°%(ns)s, %(lon)s°%(ew)s") % {
        "lat": abs(lat),
        "ns": _("N") if lat >= 0 else _("S"),
        "lon": abs(lon),
        "ew": _("E") if lon >= 0 else _("W"),
    }


@register.filter
def geo_uri(photo) -> str:
    """A geo: link (RFC 5870) that opens the phone's map app at the photo's position."""
    if photo.latitude is None or photo.longitude is None:
        return ""
    return f"geo:{photo.latitude},{photo.longitude}"
