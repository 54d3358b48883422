"""Filing applications with their status and timeline, and the organisation's filings (read)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import serializers as s
from api.views.base import ApiView
from audits.selectors import timeline_for
from cases.applications import access as applications
from cases.models import Filing, RosterMember


class ApplicationList(ApiView):
    @extend_schema(
        operation_id="applications_list",
        tags=["applications"],
        summary="备案申请 / Filing applications",
        description="本机构的备案申请及当前状态（监管账号：全部申请，用于统计）。\n\n"
        "The organisation's filing applications and their state (a regulator account: every application).",
        responses={200: s.ApplicationSerializer(many=True)},
    )
    def get(self, request):
        queryset = applications.visible_applications(request.user).select_related("organisation")
        return self.paged(queryset, s.ApplicationSerializer)


class ApplicationDetail(ApiView):
    @extend_schema(
        operation_id="applications_retrieve",
        tags=["applications"],
        summary="申请状态与时间线 / Status and timeline",
        description="当前状态、当前需要做什么，以及时间线（机构只看到面向申请人的事件，与页面相同）。\n\n"
        "Current state, what is expected now, and the timeline (an organisation sees the events meant for "
        "applicants, as on its page).",
        responses={200: s.ApplicationDetailSerializer},
    )
    def get(self, request, pk):
        application = applications.access_application(request.user, pk)
        public_only = not applications.is_case_reader(request.user)
        application.timeline = list(timeline_for(obj=application, public_only=public_only))
        return Response(s.ApplicationDetailSerializer(application).data)


def visible_filings(user):
    """Filings a user may read here: every one for regulators, else the user's organisation's own."""
    queryset = Filing.objects.select_related("organisation").prefetch_related(
        "scope__occupation",
        "application__venues",
        Prefetch("application__roster", queryset=RosterMember.objects.select_related("occupation")),
    )
    if user.has_perm("cases.view_filing"):
        return queryset
    return queryset.filter(organisation__members=user)


class FilingList(ApiView):
    @extend_schema(
        operation_id="filings_list",
        tags=["filings"],
        summary="本机构的备案 / The organisation's filings",
        description="备案的范围（含 id）、场地和考评人员：创建认定计划时引用这些 id。\n\n"
        "The filing's scope rows, venues and roster with their ids: an assessment plan refers to them.",
        responses={200: s.FilingSerializer(many=True)},
    )
    def get(self, request):
        return self.paged(visible_filings(request.user), s.FilingSerializer)


class FilingDetail(ApiView):
    @extend_schema(
        operation_id="filings_retrieve",
        tags=["filings"],
        summary="一项备案 / One filing",
        description="见列表。\n\nAs in the list.",
        responses={200: s.FilingSerializer},
    )
    def get(self, request, pk):
        return Response(s.FilingSerializer(get_object_or_404(visible_filings(request.user), pk=pk)).data)
