"""The working-day calendar against a naive day-by-day reference and hand-checked holiday weeks."""

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflow.calendar import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    statutory_year,
    working_days_between,
)
from workflow.models import CalendarOverride

pytestmark = pytest.mark.django_db

# The reference asks the package itself, day by day, over all the years at once.
_CHINA = holidays.China(years=range(2019, 2030))

dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31))
# Overrides as (offset from the start date, is working day), so that they fall where they matter.
override_offsets = st.lists(st.tuples(st.integers(-10, 120), st.booleans()), max_size=8)
db_hypothesis = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def reference_is_working(day, overrides):
    return overrides[day] if day in overrides else _CHINA.is_working_day(day)


def reference_add(start, n, overrides):
    day = start
    if n == 0:
        while not reference_is_working(day, overrides):
            day += timedelta(days=1)
        return day
    while n:
        day += timedelta(days=1)
        if reference_is_working(day, overrides):
            n -= 1
    return day


def reference_between(a, b, overrides):
    if b < a:
        return -reference_between(b, a, overrides)
    return sum(reference_is_working(a + timedelta(days=i), overrides) for i in range(1, (b - a).days + 1))


def store_overrides(start, offsets):
    """Replace the override table with the generated rows; returns them as day -> is working day."""
    overrides = {start + timedelta(days=offset): working for offset, working in offsets}
    CalendarOverride.objects.all().delete()
    CalendarOverride.objects.bulk_create(
        CalendarOverride(date=day, kind="workday" if working else "holiday", reason="test")
        for day, working in overrides.items()
    )
    return overrides


@db_hypothesis
@given(start=dates, n=st.integers(0, 60), offsets=override_offsets)
def test_add_working_days_matches_day_by_day_reference(start, n, offsets):
    overrides = store_overrides(start, offsets)
    assert add_working_days(start, n) == reference_add(start, n, overrides)


@db_hypothesis
@given(a=dates, span=st.integers(-400, 400), offsets=override_offsets)
def test_working_days_between_matches_day_by_day_reference(a, span, offsets):
    overrides = store_overrides(a, offsets)
    b = a + timedelta(days=span)
    assert working_days_between(a, b) == reference_between(a, b, overrides)


@db_hypothesis
@given(start=dates, n=st.integers(1, 60), offsets=override_offsets)
def test_counting_back_from_a_due_date_gives_the_limit(start, n, offsets):
    calendar = WorkingCalendar({start + timedelta(days=offset): working for offset, working in offsets})
    due = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, due) == n
    assert calendar.is_working_day(due)


@settings(db_hypothesis, max_examples=50)
@given(
    start=dates,
    queries=st.lists(st.tuples(st.integers(-200, 200), st.integers(0, 60)), min_size=1, max_size=10),
    offsets=st.lists(st.tuples(st.integers(-250, 320), st.booleans()), max_size=20),
)
def test_one_calendar_answers_many_questions_like_fresh_ones(start, queries, offsets):
    # One instance extends the range of overrides it has loaded as the questions move around.
    overrides = store_overrides(start, offsets)
    calendar = WorkingCalendar()
    for offset, n in queries:
        day = start + timedelta(days=offset)
        assert calendar.add_working_days(day, n) == reference_add(day, n, overrides)
        assert calendar.working_days_between(start, day) == reference_between(start, day, overrides)
        assert calendar.is_working_day(day) == reference_is_working(day, overrides)


# Statutory calendar of 2025 and 2026 as the `holidays` package (0.109) has it, which matches the
# State Council notices: the Spring Festival and National Day weeks with their make-up days.
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 26), True),  # Sunday, make-up workday for the Spring Festival
        (date(2025, 1, 28), False),  # Spring Festival eve
        (date(2025, 2, 4), False),  # Tuesday, last day of the Spring Festival week
        (date(2025, 2, 8), True),  # Saturday, make-up workday
        (date(2025, 9, 28), True),  # Sunday, make-up workday for National Day
        (date(2025, 10, 8), False),  # Wednesday, last day of the National Day week
        (date(2025, 10, 11), True),  # Saturday, make-up workday
        (date(2026, 1, 4), True),  # Sunday, make-up workday for New Year
        (date(2026, 2, 14), True),  # Saturday, make-up workday for the Spring Festival
        (date(2026, 2, 16), False),  # Spring Festival eve
        (date(2026, 2, 23), False),  # Monday, last day of the Spring Festival week
        (date(2026, 2, 28), True),  # Saturday, make-up workday
        (date(2026, 9, 20), True),  # Sunday, make-up workday for National Day
        (date(2026, 9, 25), False),  # Friday, Mid-Autumn Festival
        (date(2026, 10, 7), False),  # Wednesday, last day of the National Day week
        (date(2026, 10, 10), True),  # Saturday, make-up workday
        (date(2026, 10, 11), False),  # an ordinary Sunday
    ],
)
def test_statutory_days_off_and_make_up_days(day, working):
    assert is_working_day(day) is working


def test_spring_festival_2026_pushes_a_due_date_past_the_make_up_saturday():
    # Started Thursday 12 Feb 2026. Working days after it: Fri 13 (1), Sat 14 make-up (2),
    # Sun 15 - Mon 23 off, Tue 24 (3), Wed 25 (4), Thu 26 (5), Fri 27 (6), Sat 28 make-up (7),
    # Mon 2 Mar (8), Tue 3 (9), Wed 4 (10).
    start = date(2026, 2, 12)
    assert add_working_days(start, 5) == date(2026, 2, 26)
    assert add_working_days(start, 10) == date(2026, 3, 4)
    assert working_days_between(start, date(2026, 2, 24)) == 3
    assert working_days_between(date(2026, 3, 4), start) == -10


def test_national_day_2026_due_dates():
    # Started Friday 18 Sep 2026. Working days after it: Sun 20 make-up (1), Mon 21 - Thu 24 (2-5),
    # Fri 25 Mid-Autumn off, Mon 28 - Wed 30 (6-8), Thu 1 - Wed 7 Oct off, Thu 8 (9), Fri 9 (10),
    # Sat 10 make-up (11), Mon 12 - Thu 15 (12-15).
    assert add_working_days(date(2026, 9, 18), 15) == date(2026, 10, 15)
    # Started Monday 28 Sep: Tue 29 (1), Wed 30 (2), Thu 8 Oct (3), Fri 9 (4), Sat 10 make-up (5):
    # a five-day step falls due on the make-up Saturday.
    assert add_working_days(date(2026, 9, 28), 5) == date(2026, 10, 10)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    # A step due the day the holiday week begins has no working day left for it.
    assert add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 8)


def test_zero_working_days_is_the_start_or_the_next_working_day():
    assert add_working_days(date(2026, 3, 4), 0) == date(2026, 3, 4)  # a Wednesday
    assert add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 9)  # Saturday -> Monday


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 4), -1)


def test_aware_datetimes_count_from_their_local_date():
    # 17:00 UTC on Friday 6 Mar 2026 is 01:00 on Saturday 7 Mar in Beijing.
    moment = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
    assert add_working_days(moment, 1) == date(2026, 3, 9)
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert working_days_between(moment, date(2026, 3, 10)) == 2


def test_an_ad_hoc_closure_pushes_a_due_date_by_one_day():
    start = date(2026, 3, 2)  # Monday; five working days later is Monday 9 Mar
    assert add_working_days(start, 5) == date(2026, 3, 9)
    CalendarOverride.objects.create(date=date(2026, 3, 4), kind="holiday", reason="Office closed (relocation)")
    assert add_working_days(start, 5) == date(2026, 3, 10)
    assert working_days_between(start, date(2026, 3, 9)) == 4


def test_a_declared_workday_on_a_saturday_pulls_a_due_date_in():
    start = date(2026, 3, 2)
    CalendarOverride.objects.create(date=date(2026, 3, 7), kind="workday", reason="Extra working day")
    assert add_working_days(start, 5) == date(2026, 3, 7)
    assert is_working_day(date(2026, 3, 7))


def test_overrides_fill_in_a_year_the_package_does_not_know():
    # The package has no make-up days for 2027 and guesses Tue 9 and Wed 10 Feb off after the
    # Spring Festival weekend; the regulator enters the published schedule over it.
    assert not statutory_year(2027).has_make_up_days
    assert not is_working_day(date(2027, 2, 10))
    CalendarOverride.objects.create(date=date(2027, 2, 10), kind="workday", reason="State Council notice")
    CalendarOverride.objects.create(date=date(2027, 2, 20), kind="workday", reason="State Council notice")
    assert is_working_day(date(2027, 2, 10))
    assert is_working_day(date(2027, 2, 20))  # a Saturday
    assert add_working_days(date(2027, 2, 9), 1) == date(2027, 2, 10)


def test_make_up_days_of_a_year_are_only_that_years():
    # weekend_workdays from the package also lists make-up days of other years (e.g. 2001).
    for year in (2025, 2026):
        assert statutory_year(year).workdays
        assert all(day.year == year and day.weekday() >= 5 for day in statutory_year(year).workdays)
        assert all(day.year == year and day.weekday() < 5 for day in statutory_year(year).days_off)


def test_a_calendar_loads_overrides_once_for_many_rows(django_assert_num_queries):
    start = date(2026, 9, 1)
    with django_assert_num_queries(1):
        calendar = WorkingCalendar()
        due_dates = [calendar.add_working_days(start + timedelta(days=i), 5) for i in range(20)]
        remaining = [calendar.working_days_between(start, due) for due in due_dates]
    assert remaining[0] == 5


def test_one_query_per_call_for_the_module_functions(django_assert_num_queries):
    with django_assert_num_queries(1):
        add_working_days(date(2026, 2, 12), 60)
    with django_assert_num_queries(1):
        working_days_between(date(2020, 1, 1), date(2027, 12, 31))


def test_a_closure_longer_than_the_look_ahead_is_followed_to_its_end():
    # Months of closure (a lockdown) reaching into the next year, beyond what is loaded up front.
    first = date(2026, 6, 2)
    CalendarOverride.objects.bulk_create(
        CalendarOverride(date=first + timedelta(days=i), kind="holiday", reason="Lockdown")
        for i in range((date(2027, 1, 10) - first).days + 1)
    )
    assert add_working_days(date(2026, 6, 1), 1) == date(2027, 1, 11)
