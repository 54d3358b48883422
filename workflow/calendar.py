"""Working days on the Chinese calendar, and the due dates of steps counted in them.

A day is a working day by the statutory calendar of the `holidays` package (weekends, public
holidays and the State Council's make-up workdays, 调休) unless a `CalendarOverride` row says
otherwise. Statutory data is cached per year for the life of the process; overrides are read
from the database by each `WorkingCalendar`, so a saved override counts from the next call on,
in every process.

Counting follows the rule for statutory periods: the day a period starts on is not counted, so a
step of n working days is due on the n-th working day after the day it started.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays
from django.db.models import Q
from django.utils import timezone

from workflow.models import DEFAULT_STEP_LIMITS, CalendarOverride, StepLimit

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class StatutoryYear:
    """One year of the statutory calendar, as the `holidays` package knows it."""

    days_off: frozenset[date]  # holidays falling on Monday to Friday
    workdays: frozenset[date]  # make-up workdays falling on Saturday or Sunday

    @property
    def has_make_up_days(self) -> bool:
        # False for a year whose schedule the State Council has not published (or the package lacks).
        return bool(self.workdays)


@functools.cache
def statutory_year(year: int) -> StatutoryYear:
    """The statutory days off and make-up workdays of one year (cached per process)."""
    cn = holidays.China(years=year)
    # weekend_workdays also carries make-up days of other years (those announced with the next
    # year's New Year holiday fall in December); keep this year's only.
    return StatutoryYear(
        days_off=frozenset(day for day in cn if day.year == year and day.weekday() < 5),
        workdays=frozenset(day for day in cn.weekend_workdays if day.year == year and day.weekday() >= 5),
    )


def is_statutory_working_day(day: date) -> bool:
    """Working status by the `holidays` package alone, ignoring overrides."""
    year = statutory_year(day.year)
    if day.weekday() >= 5:
        return day in year.workdays
    return day not in year.days_off


def _weekdays_through(day: date) -> int:
    """The number of Mondays to Fridays from 0001-01-01 (a Monday) through `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


class WorkingCalendar:
    """The working-day calendar with the regulator's overrides, for one request or job.

    Overrides are loaded by whole years as dates are asked about, and kept: compute all the due
    dates of a page with one instance and it costs one query (two across New Year), not one per row.
    An instance does not see overrides saved after it loaded them; make a new one per unit of work.
    Pass `overrides` (day -> is working day) to use a fixed set without touching the database.
    """

    # How far past the start add_working_days loads overrides in one go: n working days span at
    # most about 7/5 n calendar days plus the longest closure (the 9-day Spring Festival).
    _SLACK_DAYS = 21

    def __init__(self, overrides: Mapping[date, bool] | None = None):
        self._overrides: dict[date, bool] = dict(overrides or {})
        # The closed range of dates whose overrides are in self._overrides.
        self._covered: tuple[date, date] | None = (date.min, date.max) if overrides is not None else None
        # working_days_between's answers: the overrides of a range never change once loaded.
        self._counted: dict[tuple[date, date], int] = {}

    def cover(self, first: date, last: date) -> None:
        """Make sure the overrides of every day in [first, last] are loaded (a caller about to ask about dates
        spread over several years calls it first, for one query; each year is otherwise loaded when first asked).

        Loads whole years, so that the due dates of a page of tasks started at different times
        cost one query rather than one per row; a year has a few dozen overrides at most.
        """
        first, last = date(first.year, 1, 1), date(last.year, 12, 31)
        if self._covered is None:
            missing = Q(date__range=(first, last))
            covered = (first, last)
        else:
            lo, hi = self._covered
            if lo <= first and last <= hi:
                return
            missing = Q()
            if first < lo:
                missing |= Q(date__gte=first, date__lt=lo)
            if last > hi:
                missing |= Q(date__gt=hi, date__lte=last)
            covered = (min(first, lo), max(last, hi))
        rows = CalendarOverride.objects.filter(missing).values_list("date", "kind")
        self._overrides.update((day, kind == CalendarOverride.Kind.WORKDAY) for day, kind in rows)
        self._covered = covered

    def _working(self, day: date) -> bool:
        # Callers have covered `day`.
        status = self._overrides.get(day)
        return is_statutory_working_day(day) if status is None else status

    def is_working_day(self, day: date | datetime) -> bool:
        day = _as_date(day)
        self.cover(day, day)
        return self._working(day)

    def add_working_days(self, start: date | datetime, n: int) -> date:
        """The n-th working day after `start`; for n = 0, `start` itself or the next working day.

        `start` is not counted (the day a period begins on never is), so for n >= 1 the result
        does not depend on whether `start` is a working day: with n = 1, a step started on Friday,
        Saturday or Sunday of a normal week is due on Monday, one started on Monday on Tuesday.
        n = 0 gives the first working day from `start` on, for a step due the day it starts.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        day = _as_date(start)
        self.cover(day, day + timedelta(days=n * 2 + self._SLACK_DAYS))
        if n == 0:
            while not self._working_covered(day):
                day += _ONE_DAY
            return day
        remaining = n
        while remaining:
            day += _ONE_DAY
            if self._working_covered(day):
                remaining -= 1
        return day

    def _working_covered(self, day: date) -> bool:
        if day > self._covered[1]:  # a run of closures longer than the slack: load further ahead
            self.cover(day, day + timedelta(days=self._SLACK_DAYS * 3))
        return self._working(day)

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """The number of working days in (a, b]; negative (minus those in (b, a]) if b is before a.

        `working_days_between(start, add_working_days(start, n)) == n` for every n >= 1, and
        `working_days_between(today, due)` is the working days left (0 on the due date, negative
        once overdue).
        """
        a, b = _as_date(a), _as_date(b)
        if (a, b) not in self._counted:  # a page of tasks has many due on the same day
            self._counted[a, b] = -self._count(b, a) if b < a else self._count(a, b)
        return self._counted[a, b]

    def _count(self, a: date, b: date) -> int:
        """working_days_between for a <= b."""
        if a == b:
            return 0
        first = a + _ONE_DAY
        self.cover(first, b)
        # Count Mondays to Fridays arithmetically, then correct for the few statutory and
        # overridden exceptions in the range: fast for ranges of years, too.
        count = _weekdays_through(b) - _weekdays_through(a)
        for year in range(first.year, b.year + 1):
            statutory = statutory_year(year)
            count -= sum(1 for day in statutory.days_off if first <= day <= b)
            count += sum(1 for day in statutory.workdays if first <= day <= b)
        for day, working in self._overrides.items():
            if first <= day <= b and working != is_statutory_working_day(day):
                count += 1 if working else -1
        return count

    def due_date(self, start: date | datetime, step_code: str) -> date:
        """The day a step started on `start` is due: its limit in working days after `start`."""
        return self.add_working_days(start, step_limit(step_code))


def step_limit(code: str) -> int:
    """The working days allowed for a step: the regulator's StepLimit row, else the default."""
    working_days = StepLimit.objects.filter(code=code).values_list("working_days", flat=True).first()
    if working_days is not None:
        return working_days
    try:
        return DEFAULT_STEP_LIMITS[code]
    except KeyError:
        raise KeyError(f"unknown step code {code!r}") from None


def is_working_day(day: date | datetime) -> bool:
    """Whether `day` is a working day (statutory calendar, then overrides)."""
    return WorkingCalendar().is_working_day(day)


def add_working_days(start: date | datetime, n: int) -> date:
    """The n-th working day after `start` (n >= 0); see `WorkingCalendar.add_working_days`."""
    return WorkingCalendar().add_working_days(start, n)


def working_days_between(a: date | datetime, b: date | datetime) -> int:
    """The number of working days in (a, b], negative if b is before a."""
    return WorkingCalendar().working_days_between(a, b)


def due_date(start_date: date | datetime, step_code: str) -> date:
    """The due date of a step started on `start_date`, from its configured limit."""
    return WorkingCalendar().due_date(start_date, step_code)
