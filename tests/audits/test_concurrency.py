import threading

import pytest
from django.db import connection

from audits.chain import verify_chain
from audits.models import AuditEvent
from audits.services import audit_record

WRITERS, EVENTS_EACH = 8, 25


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real parallel writers need PostgreSQL")
@pytest.mark.django_db(transaction=True, available_apps=["audits"])
def test_parallel_writers_never_fork_the_chain():
    start, errors = threading.Barrier(WRITERS), []

    def write(writer: int) -> None:
        try:
            start.wait()
            for n in range(EVENTS_EACH):
                audit_record(actor=None, action="test.parallel", object_type="tests.writer", object_id=f"{writer}-{n}")
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert AuditEvent.objects.count() == WRITERS * EVENTS_EACH
    assert verify_chain(chunk=37) == WRITERS * EVENTS_EACH
    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == len(prev_hashes)
