"""The filters of the to-do lists (kind, step, district) give exactly the matching rows of the archive, the queue
and the overdue list (each has its own index, workflow/migrations/0011_archive_index; bench/scale.py shows the
plans at 1 M tasks)."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task

from cases.applications import services as apply
from cases.applications.simulation import complete_draft
from cases.models import District
from workflow.flows.filing import FilingFlow
from workflow.models import WorkItem
from workflow.selectors import archive_for, overdue_for, page_of, queue_for

pytestmark = pytest.mark.django_db


def _submitted(n, *, applicant, organisation, occupation):
    rng = random.Random(5)
    applications = []
    for _ in range(n):
        draft = complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=rng)
        applications.append(apply.application_submit(application=draft, actor=applicant))
    return applications


def test_each_filter_gives_exactly_its_rows(clerk, applicant, organisation, occupation):
    first, second, third = _submitted(3, applicant=applicant, organisation=organisation, occupation=occupation)
    apply.application_accept(application=first, actor=clerk)
    apply.application_accept(application=second, actor=clerk)
    district = organisation.district.code
    other = District.objects.exclude(pk=organisation.district_id).first().code
    WorkItem.objects.filter(is_open=True).update(due_on=timezone.localdate() - timedelta(days=1))

    def keys(qs, archive=False):
        return {row.key for row in page_of(qs, archive=archive)}

    done = {f"task:{t.pk}" for t in Task.objects.filter(flow_task=FilingFlow.review, status="DONE")}
    assert keys(archive_for(user=clerk), archive=True) == done
    assert keys(archive_for(user=clerk, kind="filing", step="review", district=district), archive=True) == done
    assert keys(archive_for(user=clerk, kind="batch"), archive=True) == set()
    assert keys(archive_for(user=clerk, step="decide"), archive=True) == set()
    assert keys(archive_for(user=clerk, district=other), archive=True) == set()

    queued = keys(queue_for(user=clerk))
    assert queued == {f"task:{Task.objects.get(process_id=third.process_id, flow_task=FilingFlow.review).pk}"}
    assert keys(queue_for(user=clerk, kind="filing", district=district)) == queued
    assert keys(queue_for(user=clerk, step="review")) == queued
    assert keys(queue_for(user=clerk, kind="supervision")) == keys(queue_for(user=clerk, district=other)) == set()

    today = timezone.localdate()
    late = keys(overdue_for(today=today))
    assert late and keys(overdue_for(today=today, district=district)) == late
    assert keys(overdue_for(today=today, step="plan_inspection")) <= late
    assert keys(overdue_for(today=today, kind="seat")) == keys(overdue_for(today=today, district=other)) == set()


def test_unknown_filter_values_match_nothing(clerk, applicant, organisation, occupation):
    _submitted(1, applicant=applicant, organisation=organisation, occupation=occupation)
    assert list(queue_for(user=clerk))
    for filters in ({"district": "999999"}, {"district": "x" * 80}, {"kind": "nope"}, {"step": "nope"}):
        assert list(queue_for(user=clerk, **filters)) == [], filters
