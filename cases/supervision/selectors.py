"""Reads on supervision: campaign populations and results, supervision task lists, annual reports."""

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from cases.models import (
    AnnualReport,
    Filing,
    FilingScope,
    SupervisionCampaign,
    SupervisionCase,
)
from cases.registry.selectors import S


def campaign_population(campaign: SupervisionCampaign) -> QuerySet[Filing]:
    """The active bodies a campaign draws from, by its filter (an empty criterion means any)."""
    qs = Filing.objects.filter(status=S.ACTIVE)
    district_ids = [d.pk for d in campaign.districts.all()]
    if district_ids:
        qs = qs.filter(organisation__district_id__in=district_ids)
    if campaign.kinds:
        qs = qs.filter(organisation__kind__in=campaign.kinds)
    if campaign.categories:
        qs = qs.filter(organisation__category__in=campaign.categories)
    occupation_ids = [o.pk for o in campaign.occupations.all()]
    if occupation_ids:
        qs = qs.filter(pk__in=FilingScope.objects.filter(occupation_id__in=occupation_ids).values("filing_id"))
    return qs


def closed_campaigns() -> QuerySet[SupervisionCampaign]:
    return SupervisionCampaign.objects.filter(state=SupervisionCampaign.State.CLOSED).order_by("-closed_at")


def campaign_cases(campaign: SupervisionCampaign) -> QuerySet[SupervisionCase]:
    return (
        campaign.cases.select_related("filing__organisation__district", "sanction_decision")
        .prefetch_related("orders")
        .order_by("filing__number")
    )


# Supervision task lists, one query each (viewflow's own queue query is O(permissions)).


def annual_report_overview(*, year: int, anomalies_only: bool = False) -> dict:
    """Submitted reports of a year and the bodies that owe one."""
    year_end = date(year, 12, 31)
    reports = (
        AnnualReport.objects.filter(year=year)
        .select_related("filing__organisation__district")
        .order_by("filing__number")
    )
    if anomalies_only:
        reports = reports.exclude(anomalies=[])
    missing = (
        Filing.objects.filter(status__in=Filing.OPEN_STATUSES, valid_from__lte=year_end)
        .exclude(Exists(AnnualReport.objects.filter(filing=OuterRef("pk"), year=year)))
        .select_related("organisation__district")
        .order_by("number")
    )
    return {"reports": reports, "missing": missing}
