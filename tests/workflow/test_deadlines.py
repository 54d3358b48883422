"""Every task gets a due date from its step's limit, counted in working days on the Chinese calendar."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.applications import services as apply
from cases.applications.simulation import Outcome, Staff, panel_experts, run_to_end
from cases.inspections import services as inspections
from tests.workflow.conftest import at, submit
from workflow.calendar import add_working_days, due_date
from workflow.deadlines import attach_due_status, deadline_for_new_task
from workflow.flows.filing import FilingFlow
from workflow.models import CalendarOverride, StepCode, StepLimit, TaskDeadline

pytestmark = pytest.mark.django_db


def _review_task(application):
    application.refresh_from_db()
    return Task.objects.get(process_id=application.process_id, flow_task=FilingFlow.review, status=STATUS.NEW)


def _started_on(task, day) -> TaskDeadline:
    """The task as if viewflow had created it on `day`: its deadline computed afresh."""
    Task.objects.filter(pk=task.pk).update(created=at(day))
    TaskDeadline.objects.filter(task=task).delete()
    task.refresh_from_db()
    return deadline_for_new_task(task, StepCode.REVIEW)


def test_submission_gives_the_review_task_its_due_date(draft, applicant):
    submit(draft, applicant)
    deadline = _review_task(draft).deadline
    today = timezone.localdate()
    assert deadline.step == StepCode.REVIEW
    assert deadline.started_on == today
    assert deadline.due_on == due_date(today, StepCode.REVIEW)
    assert deadline.escalates is True


def test_a_normal_week_is_five_working_days(draft, applicant):
    submit(draft, applicant)
    # Monday 9 Mar 2026 -> Monday 16 Mar: the weekend is skipped.
    assert _started_on(_review_task(draft), date(2026, 3, 9)).due_on == date(2026, 3, 16)


def test_spring_festival_2026_and_its_make_up_saturday(draft, applicant):
    submit(draft, applicant)
    # Friday 13 Feb 2026: Saturday 14 Feb is a make-up workday (1), 15-23 Feb is the holiday,
    # then 24, 25, 26, 27 Feb: due Friday 27 Feb instead of Friday 20 Feb.
    assert _started_on(_review_task(draft), date(2026, 2, 13)).due_on == date(2026, 2, 27)


def test_national_day_2026_and_the_make_up_saturday_after_it(draft, applicant):
    submit(draft, applicant)
    # Wednesday 30 Sep 2026: 1-7 Oct off; Thu 8, Fri 9, Sat 10 (make-up), Mon 12, Tue 13 Oct.
    assert _started_on(_review_task(draft), date(2026, 9, 30)).due_on == date(2026, 10, 13)


def test_a_regulator_closure_and_a_changed_limit_move_the_due_date(draft, applicant):
    submit(draft, applicant)
    CalendarOverride.objects.create(date=date(2026, 3, 12), kind="holiday", reason="临时闭馆")
    StepLimit.objects.filter(code=StepCode.REVIEW).update(working_days=3)
    # Monday 9 Mar + 3 working days, Thursday 12 Mar closed: Friday 13 Mar.
    assert _started_on(_review_task(draft), date(2026, 3, 9)).due_on == date(2026, 3, 13)


def test_a_deadline_is_fixed_once(draft, applicant):
    submit(draft, applicant)
    task = _review_task(draft)
    first = task.deadline
    StepLimit.objects.filter(code=StepCode.REVIEW).update(working_days=20)
    again = deadline_for_new_task(task, StepCode.REVIEW)
    assert again.pk == first.pk and again.due_on == first.due_on
    assert TaskDeadline.objects.filter(task=task).count() == 1


def test_an_explicit_due_date_wins(draft, applicant):
    submit(draft, applicant)
    task = _review_task(draft)
    TaskDeadline.objects.filter(task=task).delete()
    deadline = deadline_for_new_task(task, "rectification", due_on=date(2030, 1, 31))
    assert (deadline.step, deadline.due_on) == ("rectification", date(2030, 1, 31))


def test_every_task_of_the_filing_flow_gets_a_deadline(draft, applicant, clerk, chief, inspectors, experts, approver):
    outcome = Outcome()
    staff = Staff(clerk=clerk, chief=chief, approver=approver, inspectors=inspectors)
    run_to_end(
        application=draft, applicant=applicant, staff=staff, experts=panel_experts, fate="returned", outcome=outcome
    )
    draft.refresh_from_db()
    tasks = Task.objects.filter(process_id=draft.process_id, flow_task_type__in=["HUMAN", "FUNCTION"])
    steps_and_codes = {(t.flow_task.name, t.deadline.step) for t in tasks.select_related("deadline")}
    assert steps_and_codes == {
        ("review", StepCode.REVIEW),
        ("supplement", StepCode.SUPPLEMENT),
        ("plan_inspection", StepCode.INSPECTION),
        ("site_inspection", StepCode.INSPECTION),
        ("draw_panel", StepCode.ASSESSMENT),
        ("score", StepCode.ASSESSMENT),
        ("decide", StepCode.DECISION),
        ("notice", StepCode.NOTICE),
    }
    draft.refresh_from_db()
    # Drawing the panel and scoring are one stage: the experts have what is left of its limit.
    draw = tasks.get(flow_task=FilingFlow.draw_panel).deadline.due_on
    assert {t.deadline.due_on for t in tasks.filter(flow_task=FilingFlow.score).select_related("deadline")} == {draw}
    notice = tasks.get(flow_task=FilingFlow.notice)
    # Registration is due on the first working day after the public notice (the day registration opens); the
    # simulation then shortened the notice to register at once.
    decided_on = timezone.localdate(draft.decided_at)
    assert notice.deadline.due_on == add_working_days(due_date(decided_on, StepCode.NOTICE), 1)


def test_the_inspection_is_one_stage_with_one_due_date(draft, applicant, clerk, chief, inspectors):
    submit(draft, applicant)
    apply.application_accept(application=draft, actor=clerk)
    draft.refresh_from_db()
    plan = Task.objects.get(process_id=draft.process_id, flow_task=FilingFlow.plan_inspection)
    # Planned late: the team still has only what is left of the 15 working days.
    stage_due = timezone.localdate() + timedelta(days=3)
    TaskDeadline.objects.filter(task=plan).update(due_on=stage_due)
    inspections.inspection_plan(application=draft, actor=chief, planned_date=timezone.localdate())
    visit = Task.objects.get(process_id=draft.process_id, flow_task=FilingFlow.site_inspection)
    assert visit.deadline.step == StepCode.INSPECTION
    assert visit.deadline.due_on == stage_due


def test_the_supplement_waits_for_the_applicant_and_does_not_escalate(draft, applicant, clerk):
    submit(draft, applicant)
    apply.application_return(application=draft, actor=clerk, deficiencies=["营业执照复印件不清晰"])
    draft.refresh_from_db()
    supplement = Task.objects.get(process_id=draft.process_id, flow_task=FilingFlow.supplement)
    deadline = supplement.deadline
    assert deadline.step == StepCode.SUPPLEMENT
    assert deadline.due_on == due_date(timezone.localdate(), StepCode.SUPPLEMENT)
    assert deadline.responsible == applicant
    assert deadline.escalates is False


def test_due_status_counts_the_working_days_left(draft, applicant):
    submit(draft, applicant)
    task = _review_task(draft)
    TaskDeadline.objects.filter(task=task).update(started_on=date(2026, 2, 13), due_on=date(2026, 2, 27))
    task = Task.objects.select_related("deadline").get(pk=task.pk)
    attach_due_status([task], today=date(2026, 2, 13))
    assert (task.due.remaining, task.due.overdue, task.due.due_soon) == (5, False, False)
    attach_due_status([task], today=date(2026, 2, 26))
    assert (task.due.remaining, task.due.overdue, task.due.due_soon) == (1, False, True)
    attach_due_status([task], today=date(2026, 3, 3))  # Sat 28 Feb is a make-up working day
    assert (task.due.remaining, task.due.overdue, task.due.days_late) == (-3, True, 3)


def test_due_status_of_rows_spread_over_two_years_reads_the_overrides_once(draft, applicant, django_assert_num_queries):
    submit(draft, applicant)
    CalendarOverride.objects.create(date=date(2025, 12, 31), kind=CalendarOverride.Kind.HOLIDAY)
    task = _review_task(draft)
    TaskDeadline.objects.filter(task=task).update(started_on=date(2025, 12, 24), due_on=date(2025, 12, 30))
    last_year, this_year = (Task.objects.select_related("deadline").get(pk=task.pk) for _ in range(2))
    this_year.deadline.due_on = date(2026, 1, 5)
    with django_assert_num_queries(1):
        attach_due_status([last_year, this_year], today=date(2026, 1, 6))
    # Wed 31 Dec 2025 closed by the regulator, 1-3 Jan 2026 the New Year holiday, Sun 4 Jan a make-up
    # working day: (30 Dec, 6 Jan] holds 4, 5 and 6 Jan, (5 Jan, 6 Jan] one.
    assert (last_year.due.remaining, this_year.due.remaining) == (-3, -1)
