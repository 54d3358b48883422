"""Gap-free yearly number sequences (application numbers, filing numbers, ...)."""

from django.db import models


class NumberSequence(models.Model):
    name = models.CharField(max_length=50)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="sequence_name_year_unique")]

    def __str__(self):
        return f"{self.name} {self.year}: {self.last}"
