"""Rectification orders (read, answer) and supervision cases (read), as the body or the regulator sees them."""

import json

from django.shortcuts import get_object_or_404
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from api import serializers as s
from api.idempotency import idempotent
from api.views.base import ApiView
from cases.models import RectificationOrder
from cases.supervision import access
from cases.supervision.forms import ResponseForm
from cases.supervision.services import cases as supervision


def visible_cases(user):
    """Regulators read every case (access.visible_cases); a body the cases it may know of (access.own_cases)."""
    if user.has_perm(access.READ_CASES):
        return access.visible_cases(user)
    return access.own_cases(user)


def visible_orders(user):
    return (
        RectificationOrder.objects.filter(case__in=visible_cases(user).values("pk"))
        .select_related("case__filing")
        .prefetch_related("items")
    )


class CaseList(ApiView):
    @extend_schema(
        operation_id="supervision_cases_list",
        tags=["supervision"],
        summary="监管案件 / Supervision cases",
        description="机构：已检查过的本机构案件（与页面相同）；监管账号：全部案件，用于统计。\n\n"
        "An organisation: its cases once inspected (as on its pages); a regulator account: every case.",
        responses={200: s.SupervisionCaseSerializer(many=True)},
    )
    def get(self, request):
        queryset = visible_cases(request.user).select_related("filing__organisation")
        return self.paged(queryset, s.SupervisionCaseSerializer)


class OrderList(ApiView):
    @extend_schema(
        operation_id="rectification_orders_list",
        tags=["supervision"],
        summary="整改通知 / Rectification orders",
        description="整改通知及其事项、期限和状态。\n\nRectification orders with their items, deadline and status.",
        responses={200: s.RectificationOrderSerializer(many=True)},
    )
    def get(self, request):
        return self.paged(visible_orders(request.user), s.RectificationOrderSerializer)


class OrderDetail(ApiView):
    @extend_schema(
        operation_id="rectification_orders_retrieve",
        tags=["supervision"],
        summary="一份整改通知 / One rectification order",
        description="见列表。\n\nAs in the list.",
        responses={200: s.RectificationOrderSerializer},
    )
    def get(self, request, pk):
        return Response(s.RectificationOrderSerializer(get_object_or_404(visible_orders(request.user), pk=pk)).data)


class OrderAnswer(ApiView):
    required_scope = "submit"
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="rectification_orders_answer",
        tags=["supervision"],
        summary="答复整改通知 / Answer a rectification order",
        description="期限内逐项说明整改情况并附证明材料（multipart：answers 为 JSON 文本，evidence 可多个文件）。\n\n"
        "Before the deadline, say what was done for every item and attach evidence (multipart: `answers` is JSON "
        'text such as {"15": "…"}, `evidence` one or more files).',
        request={"multipart/form-data": s.RectificationAnswerSerializer},
        responses={200: s.RectificationOrderSerializer},
    )
    @idempotent
    def post(self, request, pk):
        order = get_object_or_404(
            RectificationOrder.objects.select_related("case"), pk=pk, case__in=access.own_cases(request.user)
        )
        try:
            answers = json.loads(request.data.get("answers") or "{}")
        except (TypeError, ValueError):
            answers = None
        if not isinstance(answers, dict):
            raise ValidationError({"answers": [_('Send the answers as a JSON object: {"<item id>": "…"}.')]})
        data = {f"item_{key}": str(value) for key, value in answers.items()}
        data["comment"] = request.data.get("comment", "")
        form = ResponseForm(data, MultiValueDict({"evidence": request.FILES.getlist("evidence")}), order=order)
        if not form.is_valid():
            errors = {name: list(messages) for name, messages in form.errors.items()}
            item_errors = [
                f"{name[5:]}: {' '.join(messages)}" for name, messages in errors.items() if name[:5] == "item_"
            ]
            fields = {name: messages for name, messages in errors.items() if name[:5] != "item_"}
            if item_errors:
                fields["answers"] = item_errors
            raise ValidationError(fields)
        supervision.rectification_respond(
            order=order,
            actor=request.user,
            answers=form.answers(),
            files=form.cleaned_data["evidence"],
            comment=form.cleaned_data["comment"],
        )
        return Response(s.RectificationOrderSerializer(get_object_or_404(visible_orders(request.user), pk=pk)).data)
