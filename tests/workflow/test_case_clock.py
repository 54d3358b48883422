"""The regulator's clock on a case stops while the application is back with the applicant."""

from datetime import date

import pytest
from django.urls import reverse
from viewflow.workflow.models import Process, Task

from cases.applications import services as apply
from tests.workflow.conftest import at, submit
from workflow.deadlines import case_clock
from workflow.flows.filing import FilingFlow

pytestmark = pytest.mark.django_db


def _back_date(application, *, submitted, returned=None, resubmitted=None):
    """Move the process and its supplement task to the given days (the flow ran today)."""
    application.refresh_from_db()
    Process.objects.filter(pk=application.process_id).update(created=at(submitted))
    supplement = Task.objects.filter(process_id=application.process_id, flow_task=FilingFlow.supplement)
    if returned:
        supplement.update(created=at(returned, 15))
    if resubmitted:
        supplement.update(finished=at(resubmitted, 9))
    return Process.objects.get(pk=application.process_id)


def test_returned_application_stops_the_clock_and_resubmission_resumes_it(draft, applicant, clerk):
    submit(draft, applicant)
    apply.application_return(application=draft, actor=clerk, deficiencies=["场地租赁合同缺失"])
    # Submitted Monday 2 Mar 2026, returned Wednesday 4 Mar.
    process = _back_date(draft, submitted=date(2026, 3, 2), returned=date(2026, 3, 4))

    waiting = case_clock(process=process, today=date(2026, 3, 11))
    assert waiting.paused_since == date(2026, 3, 4)
    assert waiting.elapsed == 2  # Tue 3 and Wed 4 Mar; the week with the applicant does not count
    assert waiting.paused == 5
    assert case_clock(process=process, today=date(2026, 3, 13)).elapsed == 2  # still stopped

    submit(draft, applicant)
    process = _back_date(draft, submitted=date(2026, 3, 2), returned=date(2026, 3, 4), resubmitted=date(2026, 3, 16))
    running = case_clock(process=process, today=date(2026, 3, 18))
    assert running.paused_since is None
    assert running.paused == 8  # Thu 5 to Mon 16 Mar
    assert running.elapsed == 4  # Tue 3, Wed 4, then Tue 17 and Wed 18 Mar


def test_a_pause_across_the_spring_festival_costs_only_its_working_days(draft, applicant, clerk):
    submit(draft, applicant)
    apply.application_return(application=draft, actor=clerk, deficiencies=["补充考评人员证书"])
    submit(draft, applicant)
    # Submitted Tue 10 Feb 2026, returned Thu 12 Feb, resubmitted Wed 25 Feb; looked at Fri 27 Feb.
    process = _back_date(draft, submitted=date(2026, 2, 10), returned=date(2026, 2, 12), resubmitted=date(2026, 2, 25))
    clock = case_clock(process=process, today=date(2026, 2, 27))
    assert clock.paused == 4  # Fri 13, Sat 14 (make-up day), Tue 24, Wed 25 Feb
    assert clock.elapsed == 4  # Wed 11, Thu 12, Thu 26, Fri 27 Feb


def test_two_returns_are_two_pauses(draft, applicant, clerk):
    for text in ["缺少章程", "章程未盖章"]:
        submit(draft, applicant)
        apply.application_return(application=draft, actor=clerk, deficiencies=[text])
    draft.refresh_from_db()
    clock = case_clock(process=draft.process)
    assert len(clock.pauses) == 2
    assert clock.pauses[0].ended_on is not None and clock.pauses[1].ended_on is None
    assert clock.paused_since == clock.pauses[1].started_on
    assert clock.resume_due_on is not None


def test_the_case_page_shows_the_clock_and_the_pause(client, draft, applicant, clerk):
    submit(draft, applicant)
    apply.application_return(application=draft, actor=clerk, deficiencies=["补充场地照片"])
    client.force_login(applicant)
    body = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert 'data-testid="case-clock"' in body
    assert 'data-testid="clock-paused"' in body
    client.force_login(clerk)
    body = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert 'data-testid="case-clock"' in body


def test_a_draft_has_no_clock(client, draft, applicant):
    client.force_login(applicant)
    body = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert 'data-testid="case-clock"' not in body
