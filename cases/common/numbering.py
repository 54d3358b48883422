from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import NumberSequence


def next_number(*, name: str, pattern_setting: str) -> str:
    """Next number of a yearly sequence; the row lock makes concurrent callers queue."""
    year = timezone.localdate().year
    with transaction.atomic():
        try:
            with transaction.atomic():
                NumberSequence.objects.get_or_create(name=name, year=year)
        except IntegrityError:  # created concurrently; the row now exists
            pass
        sequence = NumberSequence.objects.select_for_update().get(name=name, year=year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return getattr(settings, pattern_setting).format(year=year, seq=sequence.last)
