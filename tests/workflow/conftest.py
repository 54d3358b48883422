"""Helpers of the workflow tests (the fixtures are in tests/conftest.py)."""

from datetime import datetime, time

from django.utils import timezone


def at(day, hour=10):
    """An aware datetime on `day` in the project's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def submit(application, applicant):
    """Submit, or resubmit after a return with every open deficiency answered (as the applicant must)."""
    from cases.applications import services as apply
    from cases.models import Deficiency

    for deficiency in Deficiency.objects.filter(application=application, status__in=Deficiency.OUTSTANDING):
        apply.deficiency_answer(deficiency=deficiency, actor=applicant, reply="已补充")
    return apply.application_submit(application=application, actor=applicant)
