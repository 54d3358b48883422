"""The one lock order of every flow: the process row, then the task row, then the case's own rows.

Claiming, releasing, reassigning and completing a task, the answers of the body, the SLA sweep and
viewflow itself (through each flow's `lock_impl`) all take the process row first, so two people acting
on one case queue on it instead of deadlocking; the second finds the task already taken and is told so.
"""

from contextlib import contextmanager

from django.db import connection, transaction
from viewflow.workflow.models import Task

from audits.services import chained_at_commit

# Waiting longer than this for a case someone else is working on gives a clean "try again" instead.
LOCK_TIMEOUT = "10s"


class ProcessThenTask:
    """viewflow lock implementation: SELECT ... FOR UPDATE on the process row, waiting for its holder.

    The audit events of the work done under it join the chain just before COMMIT (audits.services), so
    the chain's one lock is never held while a step does its work.
    """

    @contextmanager
    def __call__(self, flow_class, process_pk):
        with transaction.atomic(), chained_at_commit():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            list(flow_class.process_class._default_manager.filter(pk=process_pk).select_for_update().values("pk"))
            yield


process_then_task = ProcessThenTask()


def locked_task(task_id: int) -> Task | None:
    """The task row, locked (call it holding the process lock); None if the task does not exist."""
    return Task.objects.select_for_update(of=("self",)).select_related("process", "owner").filter(pk=task_id).first()
