"""Races with real threads (PostgreSQL): every worker starts at the same moment on its own connection."""

import threading

from django.core.exceptions import ValidationError
from django.db import connections

from workflow.tasks import TaskUnavailable


def race(workers, *, refusals=(TaskUnavailable, ValidationError), timeout: float = 60) -> list[str]:
    """Run each callable in its own thread at once; returns the sorted outcomes, "won" or "refused" (one of
    `refusals` raised). Any other exception fails the thread and leaves its outcome out."""
    barrier = threading.Barrier(len(workers))
    outcomes = []

    def run(work):
        try:
            barrier.wait()
            work()
            outcomes.append("won")
        except refusals:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return sorted(outcomes)
