"""One error shape for every API response that is not a success:

    {"code": "validation_error", "detail": "…", "fields": {"level": ["…"]}}

`fields` is present for invalid input only. Services raise Django's ValidationError and
PermissionDenied; they become 400 and 403 here, with the service's message.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [text for value in detail.values() for text in _flatten(value)]
    if isinstance(detail, list | tuple):
        return [text for value in detail for text in _flatten(value)]
    return [str(detail)]


def _field_errors(detail) -> dict:
    return {str(name): _flatten(value) for name, value in detail.items()}


def from_django(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError({name: list(messages) for name, messages in error.message_dict.items()})
    return exceptions.ValidationError({"non_field_errors": list(error.messages)})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = from_django(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"code": getattr(exc, "default_code", "error"), "detail": ""}
    if isinstance(exc, exceptions.ValidationError):
        body["code"] = "validation_error"
        detail = exc.detail
        if isinstance(detail, dict):
            body["fields"] = _field_errors(detail)
            messages = body["fields"].pop("non_field_errors", [])
            body["detail"] = " ".join(messages) if messages else _("Some fields are not valid.")
            if not body["fields"]:
                del body["fields"]
        else:
            body["detail"] = " ".join(_flatten(detail))
    else:
        body["detail"] = " ".join(_flatten(exc.detail))
        codes = exc.get_codes()
        if isinstance(codes, str):
            body["code"] = codes
    response.data = body
    return response
