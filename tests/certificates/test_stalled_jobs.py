"""An import that stopped reporting progress (the worker died) is shown as stopped, and recorded as such only by
a write: the progress page and the batch page only read."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.certificates.selectors import running_import
from cases.certificates.services import batches as services
from cases.models import ResultImport
from tests.certificates.conftest import make_plan, upload

pytestmark = pytest.mark.django_db


def _stalled_job(filing, applicant):
    batch = services.result_batch_create(plan=make_plan(filing, applicant), actor=applicant)
    job = ResultImport.objects.create(
        batch=batch,
        original_name="r.csv",
        sha256="0" * 64,
        size=1,
        created_by=applicant,
        status=ResultImport.Status.RUNNING,
    )
    long_ago = timezone.now() - timedelta(hours=1)
    ResultImport.objects.filter(pk=job.pk).update(created_at=long_ago, started_at=long_ago, heartbeat_at=long_ago)
    return batch, job


def test_reading_the_progress_of_a_dead_import_changes_nothing(client, filing, applicant):
    batch, job = _stalled_job(filing, applicant)
    client.force_login(applicant)
    progress = client.get(reverse("certificates:import_progress", args=[batch.pk, job.pk])).json()
    assert progress["finished"] and progress["status"] == ResultImport.Status.ERROR
    assert client.get(reverse("certificates:batch_detail", args=[batch.pk])).status_code == 200
    job.refresh_from_db()
    assert job.status == ResultImport.Status.RUNNING  # GET pages only read
    assert running_import(batch) is None  # a dead import does not block a new one


def test_a_new_import_records_the_dead_one_as_stopped(filing, applicant):
    batch, job = _stalled_job(filing, applicant)
    services.result_import_start(batch=batch, actor=applicant, uploaded=upload(b"x,y\n"))
    job.refresh_from_db()
    assert job.status == ResultImport.Status.ERROR and job.finished_at is not None
