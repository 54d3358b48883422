from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from workflow.models import CalendarOverride

pytestmark = pytest.mark.django_db


def _run(*years):
    out = StringIO()
    with translation.override("en"):
        call_command("working_calendar", *[str(y) for y in years], stdout=out)
    return out.getvalue()


def test_lists_statutory_exceptions_of_a_known_year():
    out = _run(2026)
    assert "2026-02-14 Sat" in out and "2026-10-07 Wed" in out
    assert "2026-10-04" not in out  # an ordinary Sunday inside the holiday week
    assert "no make-up workdays" not in out


def test_warns_about_a_year_without_make_up_days_and_shows_overrides():
    CalendarOverride.objects.create(date=date(2027, 2, 20), kind="workday", reason="State Council notice")
    out = _run(2027)
    assert "no make-up workdays for 2027" in out
    assert "2027-02-20 Sat" in out and "State Council notice" in out
