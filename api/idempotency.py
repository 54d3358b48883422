"""Idempotency-Key on POST: a retried request gets the first response again and never creates twice.

The record is created before the work starts (the unique constraint makes a concurrent retry wait
for nothing: it is told the first request is still running), and kept only for a successful response;
a request that failed leaves nothing behind, so retrying it simply tries again.
"""

import functools
import hashlib
import json
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
_WELL_FORMED = re.compile(r"^[\x21-\x7e]{1,255}$")


class IdempotencyConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_conflict"
    default_detail = _("A request with this Idempotency-Key is still being processed; retry later.")


class IdempotencyMismatch(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_mismatch"
    default_detail = _("This Idempotency-Key was used for a different request.")


def _data_for_fingerprint(request) -> dict:
    data = request.data
    if hasattr(data, "lists"):
        data = {key: values for key, values in data.lists() if key not in request.FILES}
    files = []
    for field, uploads in getattr(request.FILES, "lists", lambda: [])():
        for upload in uploads:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            files.append([field, upload.name, upload.size, digest.hexdigest()])
    return {"data": data, "files": files}


def fingerprint(request) -> str:
    body = {"method": request.method, "path": request.path, **_data_for_fingerprint(request)}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _expired_before():
    return timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)


def run_idempotent(request, handler) -> Response:
    key = request.headers.get(HEADER, "")
    if not key:
        return handler()
    if not _WELL_FORMED.match(key):
        raise ValidationError({HEADER: [_("Use 1 to 255 visible ASCII characters.")]})
    user = request.user
    print_ = fingerprint(request)
    IdempotencyRecord.objects.filter(user=user, key=key, created_at__lt=_expired_before()).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                user=user, key=key, fingerprint=print_, method=request.method, path=request.path[:500]
            )
    except IntegrityError:
        earlier = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if earlier is None:  # the first request failed meanwhile and left nothing: this one may run
            return run_idempotent(request, handler)
        if earlier.fingerprint != print_:
            raise IdempotencyMismatch() from None
        if earlier.status_code is None:
            raise IdempotencyConflict() from None
        return Response(earlier.response, status=earlier.status_code, headers={"Idempotent-Replayed": "true"})
    try:
        response = handler()
    except BaseException:
        record.delete()
        raise
    if 200 <= response.status_code < 300:
        record.status_code, record.response = response.status_code, json.loads(json.dumps(response.data, default=str))
        record.save(update_fields=["status_code", "response"])
    else:
        record.delete()
    return response


def idempotent(method):
    """Decorate a view's post(): honour the Idempotency-Key header."""

    @functools.wraps(method)
    def wrapper(view, request, *args, **kwargs):
        return run_idempotent(request, lambda: method(view, request, *args, **kwargs))

    wrapper.idempotent = True
    return wrapper


def purge_expired() -> int:
    deleted, _counts = IdempotencyRecord.objects.filter(created_at__lt=_expired_before()).delete()
    return deleted
