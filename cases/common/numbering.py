"""The one number allocator: gap-free counters (application, filing, case, batch numbers; certificate serials).

A counter row is locked until the caller's transaction ends, so concurrent callers queue on it and a
rolled-back caller gives its numbers back: no gaps, no duplicates.
"""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from cases.models import NumberSequence


def reserve(model: type[models.Model], *, count: int = 1, **key) -> int:
    """Take `count` consecutive numbers from the counter row of `model` identified by `key`; returns the first.

    The row (a model with a `last` field) is created at 0 when missing. The UPDATE takes the row's lock, held to
    the end of the caller's transaction; the read after it sees the counter as this caller left it.
    """
    counters = model.objects.filter(**key)
    if not counters.update(last=F("last") + count):
        _create_counter(model, key)
        counters.update(last=F("last") + count)
    return counters.values_list("last", flat=True).get() - count + 1


def _create_counter(model: type[models.Model], key: dict) -> None:
    try:
        with transaction.atomic():  # a savepoint: a concurrent creation must not spoil the caller's transaction
            model.objects.get_or_create(**key)
    except IntegrityError:  # created concurrently; the row now exists
        pass


def next_number(*, name: str, pattern_setting: str, default: str | None = None) -> str:
    """The next number of a yearly sequence, formatted by the pattern in the named setting ({year}, {seq})."""
    year = timezone.localdate().year
    with transaction.atomic():
        seq = reserve(NumberSequence, name=name, year=year)
    pattern = getattr(settings, pattern_setting, default)
    return pattern.format(year=year, seq=seq)
