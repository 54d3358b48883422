"""What every API view shares: authentication, scopes, the audit of key use, cursor pagination."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny, IsAuthenticated

from api.authentication import record_key_use
from api.models import ApiKey
from api.permissions import HasScope


class Cursor(CursorPagination):
    """Newest first, by primary key: no COUNT, the same cost on the last page as on the first."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-pk"

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": [_("This is not a cursor from a next or previous link.")]}) from None


class ApiView(generics.GenericAPIView):
    """A view of an organisation's or the regulator's data: a key with `required_scope`, or a session."""

    permission_classes = [IsAuthenticated, HasScope]
    pagination_class = Cursor
    metadata_class = None  # no OPTIONS descriptions: the schema is the description
    required_scope: str | None = "read"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(request, "auth", None)
        if isinstance(key, ApiKey):
            record_key_use(key=key, request=request, status=response.status_code)
        return response

    def query(self, serializer_class) -> dict:
        """The query parameters, checked (a bad value is a 400, never an error page)."""
        serializer = serializer_class(data=self.request.query_params)
        if not serializer.is_valid():
            raise ValidationError(serializer.errors)
        return serializer.validated_data

    def paged(self, queryset, serializer_class, context=None):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True, context=context or {}).data)


class PublicView(ApiView):
    """Published data: no key needed (a key, if sent, is still checked and its use recorded)."""

    permission_classes = [AllowAny]
    required_scope = None


CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", str, description="下一页/上一页链接中的游标。 The cursor from a next/previous link."),
    OpenApiParameter("page_size", int, description="每页条数（最多 100）。 Rows per page (at most 100)."),
]
