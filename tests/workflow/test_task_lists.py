"""Inbox and queue rows show due dates and working days left, overdue first; counts on the start page."""

import random
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from cases.applications import services as apply
from cases.applications.simulation import complete_draft
from workflow.flows.filing import FilingFlow
from workflow.models import TaskDeadline, WorkItem
from workflow.selectors import inbox_for, queue_for
from workflow.tasks import task_claim

pytestmark = pytest.mark.django_db


def _submitted(n, *, applicant, organisation, occupation, seed=0):
    rng = random.Random(seed)
    tasks = []
    for _ in range(n):
        application = complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=rng)
        application = apply.application_submit(application=application, actor=applicant)
        tasks.append(Task.objects.get(process_id=application.process_id, flow_task=FilingFlow.review))
    return tasks


def _due_in(task, days):
    """Move a task's due date (its to-do row carries a copy, so that lists sort by an index)."""
    today = timezone.localdate()
    due_on = today + timedelta(days=days)
    TaskDeadline.objects.filter(task=task).update(started_on=min(today, due_on) - timedelta(days=10), due_on=due_on)
    WorkItem.objects.filter(task=task).update(due_on=due_on)


def test_queue_is_sorted_by_due_date_and_highlights_overdue(client, clerk, applicant, organisation, occupation):
    late, later, early = _submitted(3, applicant=applicant, organisation=organisation, occupation=occupation)
    _due_in(late, -3)
    _due_in(later, 20)
    _due_in(early, 7)
    assert [item.task for item in queue_for(user=clerk)] == [late, early, later]
    client.force_login(clerk)
    body = client.get(reverse("tasks:queue")).content.decode()
    assert (
        body.index(f'data-task="{late.pk}"')
        < body.index(f'data-task="{early.pk}"')
        < body.index(f'data-task="{later.pk}"')
    )
    assert body.count("data-overdue") == 1
    assert f'data-task="{late.pk}" class="task--overdue"' in body
    assert "data-due=" in body


def test_the_inbox_shows_the_same_for_claimed_tasks(client, clerk, applicant, organisation, occupation):
    [task] = _submitted(1, applicant=applicant, organisation=organisation, occupation=occupation)
    task_claim(task_id=task.pk, actor=clerk)
    _due_in(task, -1)
    assert [item.task for item in inbox_for(user=clerk)] == [task]
    client.force_login(clerk)
    body = client.get(reverse("tasks:inbox")).content.decode()
    assert "task--overdue" in body
    detail = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "due--overdue" in detail


def test_start_page_counts_overdue_and_due_soon(client, clerk, chief, applicant, organisation, occupation):
    tasks = _submitted(4, applicant=applicant, organisation=organisation, occupation=occupation)
    _due_in(tasks[0], -2)
    _due_in(tasks[1], -1)
    _due_in(tasks[2], 0)  # due today: due soon
    task_claim(task_id=tasks[3].pk, actor=clerk)
    _due_in(tasks[3], -5)
    client.force_login(clerk)
    response = client.get(reverse("workbench:index"))
    assert vars(response.context["queue"]) == {"total": 3, "overdue": 2, "due_soon": 1}
    assert vars(response.context["inbox"]) == {"total": 1, "overdue": 1, "due_soon": 0}
    assert response.context["section_overdue"] is None  # the clerk is not the chief
    client.force_login(chief)
    response = client.get(reverse("workbench:index"))
    assert response.context["section_overdue"] == 3
    assert 'data-testid="section-overdue-card"' in response.content.decode()


def test_only_the_chief_sees_every_overdue_task(client, clerk, chief, applicant, organisation, occupation):
    tasks = _submitted(2, applicant=applicant, organisation=organisation, occupation=occupation)
    _due_in(tasks[0], -2)
    task_claim(task_id=tasks[1].pk, actor=clerk)
    _due_in(tasks[1], -1)
    client.force_login(clerk)
    assert client.get(reverse("tasks:overdue")).status_code == 403
    client.force_login(chief)
    body = client.get(reverse("tasks:overdue")).content.decode()
    assert body.count("data-overdue") == 2


@pytest.mark.parametrize("size", [3, 12])
def test_task_lists_and_start_page_use_constant_queries(
    client, django_assert_max_num_queries, size, clerk, chief, applicant, organisation, occupation
):
    tasks = _submitted(size, applicant=applicant, organisation=organisation, occupation=occupation)
    for n, task in enumerate(tasks):
        _due_in(task, n - size // 2)  # some overdue, some due soon, some later
    for task in tasks[: size // 3]:
        task_claim(task_id=task.pk, actor=clerk)
    client.force_login(clerk)
    for name in ("tasks:queue", "tasks:inbox", "workbench:index"):
        with django_assert_max_num_queries(15):
            response = client.get(reverse(name))
        assert response.status_code == 200
    client.force_login(chief)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("tasks:overdue"))
    assert response.content.decode().count("data-task=") == size // 2
