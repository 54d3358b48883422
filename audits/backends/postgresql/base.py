"""PostgreSQL, with the audit events of a transaction chained as its last statements before COMMIT.

Django's own backend, plus one hook: the events `audits.services.audit_record` held back during the
transaction are linked into the chain (lock, head, one INSERT) right before the COMMIT, so the chain's
lock is held for microseconds instead of for the whole step that recorded them. In a test case, whose
outer atomic block never commits, the same happens where the code's own outermost block ends.
"""

from django.db import DatabaseError
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    chains_audit_at_commit = True
    audit_held_back = False

    def commit(self):
        if self.audit_held_back:
            try:
                self._chain_held_back()
            except Exception as error:
                if not isinstance(error, DatabaseError):  # the atomic block rolls back only on those itself
                    self.rollback()
                raise
        super().commit()

    def savepoint_commit(self, sid):
        if self.audit_held_back and all(getattr(block, "_from_testcase", False) for block in self.atomic_blocks):
            try:
                self._chain_held_back()
            except DatabaseError:
                # The block being left rolls back to its savepoint, which undoes the failed INSERT too.
                self.needs_rollback = False
                raise
        super().savepoint_commit(sid)

    def _chain_held_back(self) -> None:
        from audits.services import chain_held_back  # the models are not ready when the backend loads

        chain_held_back(self)
