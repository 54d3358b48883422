"""Public endpoints (no key): the registry of filed bodies, published random-campaign results and
certificate verification. Each is the directory's or /verify/'s selector behind a JSON face."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response

from api import ratelimit
from api import serializers as s
from api.schema import ERRORS
from api.views.base import PublicView
from cases.certificates.selectors import verify_by_number
from cases.models import Filing, SupervisionCampaign
from cases.registry import selectors as registry
from cases.registry.rows import PAGE_COLUMNS, body_rows, occupation_row
from cases.supervision import selectors as supervision


def history_rows(changes) -> list[dict]:
    """Status changes (registry.status_history()) as the API shows them."""
    return [
        {
            "event": change.event,
            "from_status": change.from_status,
            "to_status": change.to_status,
            "occupation": occupation_row(change.scope.occupation) if change.scope_id else None,
            "reason": change.reason,
            "effective_on": change.effective_on.isoformat(),
        }
        for change in changes
    ]


BODY_EXAMPLE = {
    "number": "京技备202600001",
    "organisation": {
        "name": "北京精工智造机械有限公司",
        "credit_code": "91110108MA01ABCD1X",
        "kind": "enterprise",
        "category": "municipal",
        "district": {"code": "110108", "name": "海淀区"},
    },
    "status": "active",
    "status_since": None,
    "valid_from": "2026-03-02",
    "valid_until": "2031-03-01",
    "scope_today": [
        {
            "occupation": {"code": "6-18-02-04", "name": "数控车工", "trade": ""},
            "levels": [3, 4, 5],
            "methods": ["process"],
        }
    ],
    "suspended_scope": [],
}


class BodyList(PublicView):
    @extend_schema(
        operation_id="bodies_list",
        tags=["public"],
        summary="备案机构名录 / Filed bodies",
        description="已备案机构及其今日可认定的职业和等级，筛选条件同公开名录，游标分页，最新备案在前。\n\n"
        "Filed bodies with the occupations and levels each may certify today; the same filters as the public "
        "directory; cursor pagination, newest filing first.",
        parameters=[s.BodyFilterSerializer],
        responses={200: s.BodySerializer(many=True)},
        examples=[OpenApiExample("body", value=BODY_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        filters = self.query(s.BodyFilterSerializer) if request.query_params else {}
        today = timezone.localdate()
        queryset = registry.directory_search(today=today, **{key: str(value) for key, value in filters.items()})
        page = self.paginate_queryset(queryset.prefetch_related(None).values(*PAGE_COLUMNS))
        return self.get_paginated_response(body_rows(page, today))


class BodyDetail(PublicView):
    @extend_schema(
        operation_id="bodies_retrieve",
        tags=["public"],
        summary="单个备案机构 / One filed body",
        description="按备案编号查询：范围及状态历史（含原因）。\n\n"
        "By filing number: scope and status history with reasons.",
        responses={200: s.BodyDetailSerializer},
        examples=[OpenApiExample("body", value={**BODY_EXAMPLE, "status_history": []}, response_only=True)],
    )
    def get(self, request, number):
        row = Filing.objects.filter(number=number).values(*PAGE_COLUMNS).first()
        if row is None:
            raise Http404
        history = history_rows(registry.status_history().filter(filing_id=row["pk"]))
        return Response({**body_rows([row], timezone.localdate())[0], "status_history": history})


class CampaignList(PublicView):
    @extend_schema(
        operation_id="campaigns_list",
        tags=["public"],
        summary="双随机抽查结果 / Random-campaign results",
        description="已结束并公布结果的双随机抽查。\n\nClosed random inspection campaigns whose results are published.",
        responses={200: s.CampaignSerializer(many=True)},
    )
    def get(self, request):
        return self.paged(supervision.closed_campaigns(), s.CampaignSerializer)


class CampaignDetail(PublicView):
    @extend_schema(
        operation_id="campaigns_retrieve",
        tags=["public"],
        summary="一次抽查的结果 / One campaign's results",
        description="每个被抽中机构的检查结论和处理结果。\n\n"
        "The inspection conclusion and outcome for each body drawn.",
        responses={200: s.CampaignDetailSerializer},
    )
    def get(self, request, number):
        campaign = SupervisionCampaign.objects.filter(number=number, state=SupervisionCampaign.State.CLOSED).first()
        if campaign is None:
            raise Http404
        campaign.result_cases = list(supervision.campaign_cases(campaign))
        return Response(s.CampaignDetailSerializer(campaign).data)


class VerifyThrottled(Throttled):
    default_detail = _("Too many look-ups from this address; try again later.")


class CertificateVerify(PublicView):
    @extend_schema(
        operation_id="certificates_verify",
        tags=["public"],
        summary="证书查询 / Verify a certificate",
        description="按证书编号和持证人姓名查询：有效、已撤销或未找到，不返回其他信息。与 /verify/ 页面共用同一频率限制"
        "（每个地址每 10 分钟 20 次），超出返回 429 与 Retry-After。\n\n"
        "By certificate number and holder's name: valid, revoked or not found, nothing else. Shares the limit of "
        "the /verify/ page (20 look-ups per address per 10 minutes); past it, 429 with Retry-After.",
        request=s.VerifyRequestSerializer,
        responses={200: s.VerifyResponseSerializer, 400: ERRORS[400], 429: ERRORS[429]},
        examples=[
            OpenApiExample("request", value={"number": "Y00001100000126400001", "name": "张三"}, request_only=True),
            OpenApiExample("valid", value={"status": "valid"}, response_only=True),
        ],
    )
    def post(self, request):
        form = s.VerifyRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        wait = ratelimit.verify_wait(request)
        if wait:
            raise VerifyThrottled(wait=wait)
        answer = verify_by_number(number=form.validated_data["number"], name=form.validated_data["name"])
        return Response({"status": answer}, status=status.HTTP_200_OK)


@extend_schema(exclude=True)
class UnknownPath(PublicView):
    """Any other address under /api/v1/: a JSON 404 like every other API error, not the HTML page."""

    def _not_found(self, request, *args, **kwargs):
        raise Http404

    get = post = put = patch = delete = _not_found
