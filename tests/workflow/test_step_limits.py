from datetime import date

import pytest

from workflow.calendar import due_date, step_limit
from workflow.models import DEFAULT_STEP_LIMITS, StepCode, StepLimit

pytestmark = pytest.mark.django_db


def test_migration_seeds_every_step_with_its_default():
    assert dict(StepLimit.objects.values_list("code", "working_days")) == DEFAULT_STEP_LIMITS
    assert set(DEFAULT_STEP_LIMITS) == set(StepCode.values)


def test_defaults_follow_the_issue():
    # The filing and certificate steps as the issue set them; every step's seeded row equals its default.
    assert [step_limit(code) for code in StepCode.values[:8]] == [5, 10, 15, 10, 5, 5, 5, 5]
    assert {code: step_limit(code) for code in StepCode.values} == {
        code: DEFAULT_STEP_LIMITS[code] for code in StepCode
    }


def test_the_regulators_limit_wins_over_the_default():
    StepLimit.objects.filter(code=StepCode.REVIEW).update(working_days=3)
    assert step_limit("review") == 3
    # Started Monday 2 Mar 2026: three working days later is Thursday 5 Mar, not Monday 9 Mar.
    assert due_date(date(2026, 3, 2), "review") == date(2026, 3, 5)


def test_a_step_without_a_row_falls_back_to_the_default():
    StepLimit.objects.filter(code=StepCode.INSPECTION).delete()
    assert step_limit("inspection") == 15
    # Started Friday 18 Sep 2026, 15 working days across Mid-Autumn and National Day (see test_calendar).
    assert due_date(date(2026, 9, 18), "inspection") == date(2026, 10, 15)


def test_an_unknown_step_is_an_error():
    with pytest.raises(KeyError):
        step_limit("no-such-step")


def test_step_limit_label_follows_the_language():
    from django.utils import translation

    limit = StepLimit.objects.get(code=StepCode.REVIEW)
    with translation.override("en"):
        assert limit.label == "Completeness review"
        assert str(limit) == "Completeness review: 5"
