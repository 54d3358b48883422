from django.core.management.commands import flush
from django.db import transaction

from audits.purge import flush_purge_allowed, guard_lifted


class Command(flush.Command):
    """Django's flush. Inside `audits.purge.flush_may_purge()` (the test suite) it may also empty the
    audit trail; anywhere else the append-only triggers refuse, and `purge_audit` is the way to delete."""

    def handle(self, **options):
        if not flush_purge_allowed():
            return super().handle(**options)
        using = options["database"]
        with transaction.atomic(using=using), guard_lifted(using):
            return super().handle(**options)
