"""Turning arbitrary event data into small, JSON-safe, privacy-safe payloads.

The result must survive a round trip through the database unchanged (SQLite text JSON and
PostgreSQL jsonb), because the chain hash is computed before the row is written and checked
against what is read back later.
"""

import datetime
import decimal
import enum
import hashlib
import io
import json
import math
import os
import uuid
from collections.abc import Mapping
from pathlib import PurePath

from django.core.files import File
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.functional import Promise

from audits.masking import mask_id_number

_SCALARS = (bool, int, type(None))


def clean_text(value: str) -> str:
    # PostgreSQL refuses NUL characters in text and jsonb.
    return mask_id_number(value.replace("\x00", ""))


def json_safe(value):
    """A JSON-compatible copy of value: masked strings, files as hashes, never file contents."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str | Promise | PurePath | uuid.UUID):
        return clean_text(str(value))
    if isinstance(value, enum.Enum):
        return json_safe(value.value)
    if isinstance(value, decimal.Decimal | datetime.date | datetime.time):
        return _temporal_or_decimal(value)
    if isinstance(value, Mapping):
        return {clean_text(str(key)): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return _sequence(value)
    if isinstance(value, File | io.IOBase | bytes | bytearray | memoryview):
        return file_reference(value)
    if isinstance(value, models.Model):
        return {"type": value._meta.label_lower, "id": clean_text(str(value.pk))}
    return clean_text(str(value))


def normalised(data: Mapping | None) -> dict:
    """json_safe(data) exactly as it will read back from a JSON column."""
    safe = json_safe(dict(data or {}))
    return json.loads(json.dumps(safe, ensure_ascii=False))


def _float(value: float):
    # jsonb rewrites exponents (1e+16 reads back as an integer), which would change the hash.
    if math.isfinite(value) and "e" not in repr(value):
        return value
    return repr(value)


def _temporal_or_decimal(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return value.isoformat()


def _sequence(value):
    items = [json_safe(item) for item in value]
    if isinstance(value, set | frozenset):
        items.sort(key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return items


def file_reference(value) -> dict | None:
    """{"sha256", "name", "size"} of a file or bytes, read in chunks; the content is not kept."""
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return {"sha256": hashlib.sha256(data).hexdigest(), "name": "", "size": len(data)}
    if isinstance(value, FieldFile) and not value:
        return None  # an empty FileField
    if not isinstance(value, File):
        value = File(value)
    digest, size = _digest(value)
    return {"sha256": digest, "name": clean_text(os.path.basename(value.name or "")), "size": size}


def _digest(file: File) -> tuple[str, int]:
    was_closed = file.closed
    if was_closed:
        file.open("rb")
    position = file.tell() if not was_closed else 0
    digest, size = hashlib.sha256(), 0
    try:
        for chunk in file.chunks():
            chunk = chunk.encode() if isinstance(chunk, str) else chunk
            digest.update(chunk)
            size += len(chunk)
    finally:
        if was_closed:
            file.close()
        else:
            file.seek(position)
    return digest.hexdigest(), size
