"""The regulator's endpoints (scope `registry`): the registry with status history, certificate statistics."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import serializers as s
from api.views.base import ApiView
from api.views.public import history_rows
from cases.certificates.selectors import certificate_statistics
from cases.registry import selectors as registry
from cases.registry.rows import body_row
from cases.supervision.access import require_perm

REGISTRY_READ = "cases.view_filing"
STATISTICS_READ = "cases.view_certificate_statistics"


def _history_prefetch() -> Prefetch:
    return Prefetch("status_changes", queryset=registry.status_history())


def registry_row(filing, today) -> dict:
    return {
        **body_row(filing, today),
        "status_history": history_rows(filing.status_changes.all()),
        "id": filing.pk,
        "stored_status": filing.status,
        "banned_until": filing.banned_until.isoformat() if filing.banned_until else None,
        "last_assessment_on": filing.last_assessment_on.isoformat() if filing.last_assessment_on else None,
    }


class RegistryList(ApiView):
    required_scope = "registry"

    @extend_schema(
        operation_id="registry_list",
        tags=["regulator"],
        summary="备案名录（含状态历史）/ Registry with status history",
        description="全部备案机构及状态历史，筛选条件同公开名录。\n\nEvery filed body with its status history; the "
        "directory's filters.",
        parameters=[s.BodyFilterSerializer],
        responses={200: s.RegistryEntrySerializer(many=True)},
    )
    def get(self, request):
        require_perm(request.user, REGISTRY_READ)
        filters = self.query(s.BodyFilterSerializer)
        today = timezone.localdate()
        queryset = registry.directory_search(today=today, **{key: str(value) for key, value in filters.items()})
        page = self.paginate_queryset(queryset.prefetch_related(_history_prefetch()))
        return self.get_paginated_response([registry_row(filing, today) for filing in page])


class RegistryDetail(ApiView):
    required_scope = "registry"

    @extend_schema(
        operation_id="registry_retrieve",
        tags=["regulator"],
        summary="一个备案机构 / One registry entry",
        description="见列表。\n\nAs in the list.",
        responses={200: s.RegistryEntrySerializer},
    )
    def get(self, request, pk):
        require_perm(request.user, REGISTRY_READ)
        today = timezone.localdate()
        filing = registry.directory_search(today=today).prefetch_related(_history_prefetch()).filter(pk=pk).first()
        if filing is None:
            raise Http404
        return Response(registry_row(filing, today))


class Statistics(ApiView):
    required_scope = "registry"

    @extend_schema(
        operation_id="statistics_certificates",
        tags=["regulator"],
        summary="证书统计 / Certificate statistics",
        description="有效证书按职业、等级、区、机构类别、机构类型和年份统计，含高技能人才（三级及以上）占比。\n\n"
        "Valid certificates by occupation, level, district, body category, kind and year, with the high-skilled "
        "share (level 3 and above).",
        parameters=[s.StatisticsFilterSerializer],
        responses={200: s.StatisticsSerializer},
    )
    def get(self, request):
        require_perm(request.user, STATISTICS_READ)
        filters = self.query(s.StatisticsFilterSerializer)
        return Response(s.StatisticsSerializer(certificate_statistics(year=filters.get("year"))).data)
