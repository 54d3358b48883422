"""The OpenAPI schema: authentication, the shared error shape, Idempotency-Key, texts in Chinese and English."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

DESCRIPTION = """
技能等级认定机构备案系统的 REST API（v1）。公开接口（备案机构名录、双随机抽查结果、证书查询）无需密钥；
机构接口使用机构的 API 密钥（作用域 `read`、`submit`）；监管接口使用监管服务账号的密钥（作用域 `read`、`registry`）。
密钥放在请求头 `Authorization: Bearer fk_…` 中。每个密钥有自己的频率限制，超出时返回 429 与 `Retry-After`。
POST 请求可带 `Idempotency-Key` 请求头：重试同一请求不会重复创建。所有错误使用同一结构
`{"code": …, "detail": …, "fields": {…}}`。

REST API (v1) of the filing system for skill-level certification bodies. Public endpoints (the registry of
filed bodies, random-campaign results, certificate verification) need no key; an organisation's endpoints take
its API key (scopes `read`, `submit`); the regulator's take a regulator service account's key (scopes `read`,
`registry`). Send the key as `Authorization: Bearer fk_…`. Each key has its own rate limit; past it the answer
is 429 with `Retry-After`. POSTs accept an `Idempotency-Key` header: a retried request never creates twice.
Every error has the same shape `{"code": …, "detail": …, "fields": {…}}`.
""".strip()

TAGS = [
    {"name": "public", "description": "公开数据，无需密钥。 Public data, no key needed."},
    {"name": "applications", "description": "备案申请及其进度。 Filing applications and their progress."},
    {"name": "filings", "description": "本机构的备案（范围、场地、考评人员）。 The organisation's filings."},
    {
        "name": "certification",
        "description": "认定计划、结果报送与证书。 Assessment plans, result batches, certificates.",
    },
    {"name": "supervision", "description": "整改通知与监管案件。 Rectification orders and supervision cases."},
    {
        "name": "regulator",
        "description": "监管：备案名录及状态历史、证书统计。 Regulator: registry with history, statistics.",
    },
]


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="机器可读的错误代码。 Machine-readable error code.")
    detail = serializers.CharField(help_text="错误说明（按请求语言）。 What went wrong, in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="每个无效字段的错误。 The errors of each invalid field.",
    )


def _error(description: str, code: str, detail: str, fields: dict | None = None) -> OpenApiResponse:
    value = {"code": code, "detail": detail, **({"fields": fields} if fields else {})}
    return OpenApiResponse(ErrorSerializer, description=description, examples=[OpenApiExample(code, value=value)])


ERRORS = {
    400: _error(
        "请求无效。 Invalid request.",
        "validation_error",
        "Some fields are not valid.",
        {"level": ["Select a valid choice."]},
    ),
    401: _error("缺少或无效的密钥。 Missing or invalid API key.", "authentication_failed", "Invalid API key."),
    403: _error(
        "密钥缺少作用域或无权操作。 The key lacks the scope or the right.",
        "permission_denied",
        "This API key does not have the scope this request needs.",
    ),
    404: _error("不存在或无权查看。 Not found, or not yours to see.", "not_found", "Not found."),
    409: _error(
        "同一幂等键的请求仍在处理。 A request with this Idempotency-Key is still running.",
        "idempotency_conflict",
        "A request with this Idempotency-Key is still being processed; retry later.",
    ),
    422: _error(
        "幂等键已用于另一请求。 The Idempotency-Key was used for another request.",
        "idempotency_mismatch",
        "This Idempotency-Key was used for a different request.",
    ),
    415: _error(
        "不支持的请求格式或请求体损坏。 Unsupported or malformed request body.",
        "unsupported_media_type",
        'Unsupported media type "text/plain" in request.',
    ),
    429: _error(
        "请求过于频繁，见 Retry-After。 Too many requests; see Retry-After.",
        "throttled",
        "Request was throttled. Expected available in 42 seconds.",
    ),
}

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="重试时使用同一值，请求不会重复执行。 Reuse the value on retries: the request is not done twice.",
)


class ApiAutoSchema(AutoSchema):
    """Every operation also documents the errors it can give, and POSTs their Idempotency-Key header."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST" and getattr(getattr(self.view, "post", None), "idempotent", False):
            parameters.append(IDEMPOTENCY_PARAMETER)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        public = getattr(self.view, "required_scope", None) is None
        codes = [400, 429]
        if not public:
            codes += [401, 403, 404]  # ids in the body are looked up through the access helpers too
        if self.method == "POST":
            codes.append(415)
        if self.method == "POST" and getattr(getattr(self.view, "post", None), "idempotent", False):
            codes += [409, 422]
        if public and "{" in self.path:
            codes.append(404)
        for code in codes:
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(ERRORS[code], str(code), direction=direction)
        return responses

    def get_auth(self):
        if getattr(self.view, "required_scope", None) is None:
            return []
        return super().get_auth()


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "fk_<prefix>_<secret>",
            "description": "机构或监管服务账号的 API 密钥。 An organisation's or a regulator account's API key.",
        }


def only_api_v1(endpoints):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def describe(result, generator, request, public):
    result["info"]["description"] = DESCRIPTION
    result["tags"] = TAGS
    return result
