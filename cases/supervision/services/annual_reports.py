"""Annual reports (年度报告) of filed bodies: due dates, checks of each line, anomalies."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.models import (
    AnnualReport,
    AnnualReportLine,
    Filing,
    FilingScope,
    ScopeItem,
    SkillLevel,
)
from cases.registry import services as registry

# Annual reports for year Y are due by this month and day of year Y + 1.
DEFAULT_ANNUAL_REPORT_DUE = (3, 31)


# Annual reports (年度报告)


def annual_report_due(year: int) -> date:
    """The last day to submit the report for `year`."""
    month, day = getattr(settings, "ANNUAL_REPORT_DUE", DEFAULT_ANNUAL_REPORT_DUE)
    return date(year + 1, month, day)


@dataclass
class ReportLine:
    occupation_id: int
    level: int
    assessments: int
    candidates: int
    certificates: int


def _line_problems(filing: Filing, lines: list[ReportLine], scope: dict[int, FilingScope]) -> list[str]:
    problems, seen = [], set()
    for line in lines:
        row = scope.get(line.occupation_id)
        if row is None:
            problems.append(_("An occupation reported is not in the body's scope."))
            continue
        label = {
            "occupation": row.occupation,
            "level": SkillLevel(line.level).label if line.level in SkillLevel.values else line.level,
        }
        if line.level not in row.levels:
            problems.append(_("%(occupation)s is not filed at %(level)s.") % label)
        if (line.occupation_id, line.level) in seen:
            problems.append(_("%(occupation)s, %(level)s is reported twice.") % label)
        seen.add((line.occupation_id, line.level))
        if min(line.assessments, line.candidates, line.certificates) < 0:
            problems.append(_("%(occupation)s, %(level)s: numbers cannot be negative.") % label)
        if line.certificates > line.candidates:
            problems.append(_("%(occupation)s, %(level)s: more certificates than candidates.") % label)
        if line.assessments == 0 and line.candidates > 0:
            problems.append(_("%(occupation)s, %(level)s: candidates without any assessment held.") % label)
    return problems


def _anomalies(filing: Filing, year: int, examiners: int, lines: list[ReportLine], scope: dict) -> list[str]:
    """Signals for the supervisor, not errors: the report is accepted and a case may follow."""
    anomalies = []
    year_end = date(year, 12, 31)
    certificates = sum(line.certificates for line in lines)
    if certificates and not examiners:
        anomalies.append(_("Certificates were issued but no examiner is reported."))
    capacity = dict(
        ScopeItem.objects.filter(application_id=filing.application_id).values_list("occupation_id", "yearly_capacity")
    )
    per_occupation: dict[int, int] = {}
    for line in lines:
        per_occupation[line.occupation_id] = per_occupation.get(line.occupation_id, 0) + line.certificates
        row = scope[line.occupation_id]
        label = {"occupation": row.occupation, "level": SkillLevel(line.level).label}
        if line.assessments and row.suspended and row.suspended_on and row.suspended_on <= year_end:
            anomalies.append(_("Assessments reported for %(occupation)s while it was suspended.") % label)
        if line.candidates >= 30 and line.certificates == line.candidates:
            anomalies.append(
                _("%(occupation)s, %(level)s: every one of %(count)d candidates passed.")
                % {**label, "count": line.candidates}
            )
    for occupation_id, issued in per_occupation.items():
        declared = capacity.get(occupation_id)
        if declared and issued > declared:
            anomalies.append(
                _("%(occupation)s: %(issued)d certificates exceed the declared yearly capacity of %(capacity)d.")
                % {"occupation": scope[occupation_id].occupation, "issued": issued, "capacity": declared}
            )
    return anomalies


def annual_report_submit(
    *,
    filing: Filing,
    year: int,
    actor,
    examiners: int,
    lines: Iterable[ReportLine],
    internal_supervisors: int = 0,
    problems: str = "",
    today: date | None = None,
) -> AnnualReport:
    """The body submits its report for a finished year; anomalies are flagged for the supervisor."""
    today = today or timezone.localdate()
    filing = Filing.objects.select_related("organisation").get(pk=filing.pk)
    if not filing.organisation.has_member(actor):
        raise PermissionDenied(_("Only the filed body itself can submit its annual report."))
    if year >= today.year:
        raise ValidationError(
            _("Annual reports are for a finished year: %(year)d or earlier.") % {"year": today.year - 1}
        )
    if year < filing.valid_from.year:
        raise ValidationError(
            _("%(number)s was filed in %(filed)d; there is no report to give for %(year)d.")
            % {"number": filing.number, "filed": filing.valid_from.year, "year": year}
        )
    if examiners < 0 or internal_supervisors < 0:
        raise ValidationError(_("Numbers cannot be negative."))
    lines = [line for line in lines if line.assessments or line.candidates or line.certificates]
    scope = {row.occupation_id: row for row in filing.scope.select_related("occupation")}
    errors = _line_problems(filing, lines, scope)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Filing.objects.select_for_update().get(pk=filing.pk)  # one report per year, even when submitted twice at once
        existing = AnnualReport.objects.filter(filing=filing, year=year).first()
        if existing:
            raise ValidationError(
                _("The annual report for %(year)d was already submitted on %(date)s.")
                % {"year": year, "date": timezone.localtime(existing.submitted_at).strftime("%Y-%m-%d")}
            )
        report = AnnualReport.objects.create(
            filing=filing,
            year=year,
            examiners=examiners,
            internal_supervisors=internal_supervisors,
            problems=problems.strip(),
            assessments=sum(line.assessments for line in lines),
            candidates=sum(line.candidates for line in lines),
            certificates=sum(line.certificates for line in lines),
            anomalies=_anomalies(filing, year, examiners, lines, scope),
            submitted_by=actor,
        )
        AnnualReportLine.objects.bulk_create(
            AnnualReportLine(
                report=report,
                occupation_id=line.occupation_id,
                level=line.level,
                assessments=line.assessments,
                candidates=line.candidates,
                certificates=line.certificates,
            )
            for line in lines
        )
        if report.assessments:
            # A report only says assessments were held in that year: count them as held by its end.
            registry.filing_assessment_held(filing=filing, held_on=date(year, 12, 31))
        audit_record(
            actor=actor,
            action="annual_report.submitted",
            obj=filing,
            public=True,
            data={"year": year, "report": report.pk, "anomalies": report.anomalies},
        )
    return report
