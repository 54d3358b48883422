"""What the public verification page shows of a certificate it has found, so a paper copy can be checked."""

from django import template

from cases.common.identity import normalise_id_number
from cases.models import Certificate

register = template.Library()


@register.simple_tag
def certificate_facts(number: str):
    """Occupation, level and issuer of a certificate the page already found (valid or revoked), else None.

    Only called once the number and the holder's name (or the QR token) matched: nothing more is disclosed.
    """
    number = normalise_id_number(number or "")
    return Certificate.objects.select_related("occupation", "organisation").filter(number=number).first()
