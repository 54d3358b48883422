"""Annual reports (年度报告): the body submits, anomalies are flagged, the regulator sees who is late."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.supervision.selectors import annual_report_overview
from cases.supervision.services import annual_reports as report_services
from cases.supervision.services.annual_reports import ReportLine
from tests.registry.helpers import make_filing

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture
def old_filing(organisation, occupations):
    return make_filing(organisation=organisation, occupations=occupations, valid_from=date(LAST_YEAR - 1, 6, 1))


def _line(occupation, level=5, assessments=2, candidates=40, certificates=35):
    return ReportLine(occupation.pk, level, assessments, candidates, certificates)


def _submit(filing, actor, lines, year=LAST_YEAR, examiners=3):
    return report_services.annual_report_submit(filing=filing, year=year, actor=actor, examiners=examiners, lines=lines)


def test_the_body_submits_its_report(old_filing, applicant, occupations):
    welder, electrician = occupations
    report = _submit(old_filing, applicant, [_line(welder), _line(electrician, 4, 1, 10, 8), _line(welder, 4, 0, 0, 0)])
    assert (report.assessments, report.candidates, report.certificates) == (3, 50, 43)
    assert report.lines.count() == 2  # the empty line is dropped
    assert report.anomalies == []
    old_filing.refresh_from_db()
    assert old_filing.last_assessment_on == date(LAST_YEAR, 12, 31)


def test_only_the_body_itself_submits(old_filing, supervisor, outsider, occupations):
    for actor in (supervisor, outsider):
        with pytest.raises(PermissionDenied):
            _submit(old_filing, actor, [_line(occupations[0])])


def test_the_current_year_and_years_before_filing_are_refused(old_filing, applicant, occupations):
    with pytest.raises(ValidationError, match=str(LAST_YEAR)):
        _submit(old_filing, applicant, [_line(occupations[0])], year=LAST_YEAR + 1)
    with pytest.raises(ValidationError):
        _submit(old_filing, applicant, [_line(occupations[0])], year=LAST_YEAR - 2)


def test_a_second_report_for_the_same_year_is_refused(old_filing, applicant, occupations):
    _submit(old_filing, applicant, [_line(occupations[0])])
    with pytest.raises(ValidationError, match=str(LAST_YEAR)):
        _submit(old_filing, applicant, [_line(occupations[0])])


def test_lines_must_fit_the_scope_and_add_up(old_filing, applicant, occupations):
    from cases.models import Occupation

    other = Occupation.objects.exclude(pk__in=[o.pk for o in occupations]).first()
    welder = occupations[0]
    for lines in (
        [_line(other)],
        [_line(welder, level=1)],
        [_line(welder, candidates=10, certificates=11)],
        [_line(welder), _line(welder)],
        [_line(welder, assessments=0, candidates=5, certificates=0)],
    ):
        with pytest.raises(ValidationError):
            _submit(old_filing, applicant, lines)
    assert not old_filing.annual_reports.exists()


def test_anomalies_are_flagged_not_refused(old_filing, applicant, occupations):
    welder = occupations[0]
    report = _submit(old_filing, applicant, [_line(welder, candidates=120, certificates=120)], examiners=0)
    assert len(report.anomalies) == 3  # no examiner, everybody passed, above the declared capacity of 100


def test_the_overview_shows_who_is_late(old_filing, applicant, occupations):
    late = make_filing(occupations=occupations, valid_from=date(LAST_YEAR, 3, 1))
    make_filing(occupations=occupations, valid_from=date(LAST_YEAR + 1, 1, 2))  # filed this year: owes nothing yet
    _submit(old_filing, applicant, [_line(occupations[0])])
    overview = annual_report_overview(year=LAST_YEAR)
    assert [r.filing for r in overview["reports"]] == [old_filing]
    assert list(overview["missing"]) == [late]
