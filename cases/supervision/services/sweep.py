"""The periodic sweep (daily): expiry, lapsed orders, late reports, anomalies, inactivity."""

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    AnnualReport,
    Filing,
    RectificationOrder,
    SupervisionCase,
)
from cases.registry import services as registry
from cases.supervision.services.annual_reports import annual_report_due
from cases.supervision.services.cases import Order, Trigger, case_open, rectification_lapse

INACTIVITY_MONTHS = 12


# The periodic sweep (daily): expiry, lapsed orders, late reports, anomalies, inactivity


@dataclass
class SweepResult:
    expired: list[str] = field(default_factory=list)
    lapsed: list[str] = field(default_factory=list)
    late_reports: list[str] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)
    inactive: list[str] = field(default_factory=list)


def _open_once(*, filing, trigger, key, summary, result_list, annual_report=None) -> None:
    if SupervisionCase.objects.filter(filing=filing, trigger=trigger, trigger_key=key).exists():
        return
    try:
        case = case_open(
            filing=filing, trigger=trigger, trigger_key=key, summary=summary, actor=None, annual_report=annual_report
        )
    except (IntegrityError, ValidationError):  # opened by a concurrent sweep, or the body closed meanwhile
        return
    result_list.append(case.number)


def supervision_sweep(*, today: date | None = None) -> SweepResult:
    """Find what needs the supervisor's attention and open cases for it; safe to run any number of times."""
    today = today or timezone.localdate()
    result = SweepResult()
    for filing in Filing.objects.filter(status__in=Filing.OPEN_STATUSES, valid_until__lt=today):
        registry.filing_expire(filing=filing, today=today)
        result.expired.append(filing.number)
    for order in RectificationOrder.objects.filter(status=Order.PENDING, deadline__lt=today).select_related("case"):
        try:
            rectification_lapse(order=order, today=today)
        except ValidationError:
            continue
        result.lapsed.append(order.case.number)
    year = today.year - 1
    if today > annual_report_due(year):
        late = Filing.objects.filter(status__in=Filing.OPEN_STATUSES, valid_from__lte=date(year, 12, 31)).exclude(
            annual_reports__year=year
        )
        for filing in late:
            _open_once(
                filing=filing,
                trigger=Trigger.LATE_REPORT,
                key=str(year),
                summary=_("The annual report for %(year)d was due on %(date)s and has not been submitted.")
                % {"year": year, "date": annual_report_due(year).isoformat()},
                result_list=result.late_reports,
            )
    anomalous = AnnualReport.objects.exclude(anomalies=[]).filter(filing__status__in=Filing.OPEN_STATUSES)
    for report in anomalous.select_related("filing"):
        _open_once(
            filing=report.filing,
            trigger=Trigger.REPORT_ANOMALY,
            key=f"report:{report.pk}",
            summary=_("The annual report for %(year)d shows anomalies: %(anomalies)s")
            % {"year": report.year, "anomalies": " ".join(report.anomalies)},
            result_list=result.anomalies,
            annual_report=report,
        )
    cutoff = today - relativedelta(months=INACTIVITY_MONTHS)
    inactive = (
        Filing.objects.filter(status=Filing.Status.ACTIVE)
        .annotate(active_since=Coalesce(F("last_assessment_on"), F("valid_from")))
        .filter(Q(active_since__lte=cutoff))
    )
    for filing in inactive:
        _open_once(
            filing=filing,
            trigger=Trigger.INACTIVITY,
            key=f"since:{filing.active_since.isoformat()}",
            summary=_("No assessment is known to have been held since %(date)s (12 months or more).")
            % {"date": filing.active_since.isoformat()},
            result_list=result.inactive,
        )
    return result
