"""The periodic sweep: expiry, lapsed orders, late reports, anomalies and inactivity open cases, once."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Filing, SupervisionCase
from cases.registry import services as registry
from cases.supervision.services import annual_reports as report_services
from cases.supervision.services import sweep as sweep_services
from cases.supervision.services.annual_reports import ReportLine
from tests.registry.helpers import make_filing
from tests.supervision import steps

pytestmark = pytest.mark.django_db


def test_expired_filings_are_recorded(filing):
    result = sweep_services.supervision_sweep(today=filing.valid_until + timedelta(days=1))
    filing.refresh_from_db()
    assert filing.status == Filing.Status.EXPIRED and result.expired == [filing.number]


def test_a_missed_deadline_sends_the_case_to_verification(case, supervisor, inspectors):
    steps.to_rectifying(case, supervisor, inspectors)
    deadline = case.orders.get().deadline
    assert sweep_services.supervision_sweep(today=deadline).lapsed == []
    assert sweep_services.supervision_sweep(today=deadline + timedelta(days=1)).lapsed == [case.number]
    case.refresh_from_db()
    assert case.state == "verifying"


def test_late_reports_open_a_case_once(occupations):
    year = timezone.localdate().year - 1
    late = make_filing(occupations=occupations, valid_from=date(year, 2, 1), last_assessment_on=date(year + 1, 1, 5))
    on_time_day = report_services.annual_report_due(year)
    assert sweep_services.supervision_sweep(today=on_time_day).late_reports == []
    result = sweep_services.supervision_sweep(today=on_time_day + timedelta(days=1))
    assert len(result.late_reports) == 1
    assert sweep_services.supervision_sweep(today=on_time_day + timedelta(days=2)).late_reports == []
    case = SupervisionCase.objects.get(trigger="late_report")
    assert case.filing == late and case.trigger_key == str(year)


def test_an_anomalous_report_opens_a_case_once(occupations, organisation, applicant):
    year = timezone.localdate().year - 1
    filing = make_filing(organisation=organisation, occupations=occupations, valid_from=date(year, 1, 10))
    report = report_services.annual_report_submit(
        filing=filing, year=year, actor=applicant, examiners=0, lines=[ReportLine(occupations[0].pk, 5, 1, 10, 9)]
    )
    today = date(year + 1, 1, 15)
    assert len(sweep_services.supervision_sweep(today=today).anomalies) == 1
    assert sweep_services.supervision_sweep(today=today).anomalies == []
    assert SupervisionCase.objects.get(trigger="report_anomaly").annual_report == report


def test_inactivity_opens_a_case_once_per_period(occupations):
    today = timezone.localdate()
    idle = make_filing(occupations=occupations, valid_from=today - timedelta(days=400))
    busy = make_filing(occupations=occupations, valid_from=today - timedelta(days=400), last_assessment_on=today)
    result = sweep_services.supervision_sweep(today=today)
    assert result.inactive == [SupervisionCase.objects.get(filing=idle, trigger="inactivity").number]
    assert sweep_services.supervision_sweep(today=today).inactive == []
    assert not SupervisionCase.objects.filter(filing=busy, trigger="inactivity").exists()


def test_no_case_for_closed_bodies(occupations, supervisor):
    today = timezone.localdate()
    idle = make_filing(occupations=occupations, valid_from=today - timedelta(days=400))
    registry.filing_revoke(filing=idle, actor=supervisor, reason="x")
    assert sweep_services.supervision_sweep(today=today).inactive == []


def test_the_command_reports_what_it_did(occupations, capsys):
    today = timezone.localdate()
    make_filing(occupations=occupations, valid_from=today - timedelta(days=400))
    call_command("supervision_sweep", "--today", today.isoformat())
    assert "1" in capsys.readouterr().out


def test_the_celery_job_runs_the_sweep(occupations):
    from cases.supervision.jobs import supervision_sweep as job

    today = timezone.localdate()
    make_filing(occupations=occupations, valid_from=today - timedelta(days=400))
    counts = job.apply(kwargs={"today": today.isoformat()}).get()
    assert counts["inactive"] == 1 and set(counts) == {"expired", "lapsed", "late_reports", "anomalies", "inactive"}
