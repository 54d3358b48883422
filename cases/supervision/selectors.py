"""Reads on supervision: campaign populations and results, supervision task lists, annual reports."""

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

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


def _tasks() -> QuerySet:
    return Task.objects.filter(process__supervision_case__isnull=False).select_related(
        "owner", "process__supervision_case__filing__organisation__district"
    )


def supervision_inbox_for(*, user, step: str = "") -> QuerySet:
    qs = _tasks().filter(owner=user, status=STATUS.ASSIGNED)
    return _by_step(qs, step).order_by("created")


def supervision_queue_for(*, user, step: str = "") -> QuerySet:
    qs = _tasks().filter(status=STATUS.NEW, owner_permission__in=user.get_all_permissions())
    return _by_step(qs, step).order_by("created")


def supervision_archive_for(*, user, step: str = "") -> QuerySet:
    qs = _tasks().filter(owner=user, status=STATUS.DONE)
    return _by_step(qs, step).order_by("-finished")


def _by_step(qs: QuerySet, step: str) -> QuerySet:
    if not step:
        return qs
    from workflow.flows.supervision import STEP_NAMES

    node = next((node for node in STEP_NAMES if node.name == step), None)
    return qs.filter(flow_task=node) if node else qs.none()


def open_supervision_tasks(*, case: SupervisionCase) -> QuerySet:
    return Task.objects.filter(process_id=case.process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED]).select_related(
        "owner"
    )


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
