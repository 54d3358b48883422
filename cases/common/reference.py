"""Writes on the cases domain. Each service runs in one transaction and takes an actor."""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Occupation, Organisation


@transaction.atomic
def organisation_create(*, actor, members=(), **fields) -> Organisation:
    """Register an organisation after full validation (credit code check digit, uniqueness)."""
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    if members:
        organisation.members.add(*members)
    return organisation


@dataclass
class OccupationImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


_LEVEL_SPLIT = re.compile(r"[\s,;|/，、]+")
_COLUMNS = ("code", "name", "trade", "levels")


def _parse_levels(raw: str) -> list[int]:
    parts = [part for part in _LEVEL_SPLIT.split(raw.strip()) if part]
    if not all(part.isdigit() for part in parts):
        raise ValidationError(_("levels must be numbers from 1 to 5, e.g. 5|4|3"))
    return sorted({int(part) for part in parts}, reverse=True)


def _occupation_from_row(row: dict) -> Occupation:
    occupation = Occupation(
        code=(row.get("code") or "").strip(),
        name=(row.get("name") or "").strip(),
        trade=(row.get("trade") or "").strip(),
        levels=_parse_levels(row.get("levels") or ""),
    )
    occupation.full_clean(validate_unique=False, validate_constraints=False)
    return occupation


def _describe(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items())
    return " ".join(error.messages)


def occupations_import_csv(*, text: str, actor=None) -> OccupationImportResult:
    """Import or update occupations from CSV; nothing is written when any row is bad."""
    result = OccupationImportResult()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in _COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        result.errors.append(
            _("The header must contain the columns %(columns)s; missing: %(missing)s")
            % {"columns": ", ".join(_COLUMNS), "missing": ", ".join(missing)}
        )
        return result

    parsed, seen = [], {}
    for line, row in enumerate(reader, start=2):
        try:
            occupation = _occupation_from_row(row)
        except ValidationError as error:
            result.errors.append(_("Row %(line)d: %(error)s") % {"line": line, "error": _describe(error)})
            continue
        key = (occupation.code, occupation.trade)
        if key in seen:
            result.errors.append(
                _("Row %(line)d: duplicates row %(first)d (same code and trade)") % {"line": line, "first": seen[key]}
            )
            continue
        seen[key] = line
        parsed.append(occupation)
    if not parsed and not result.errors:
        result.errors.append(_("The file contains no occupation rows."))
    if result.errors:
        return result

    with transaction.atomic():
        existing = {(o.code, o.trade): o for o in Occupation.objects.select_for_update()}
        for occupation in parsed:
            current = existing.get((occupation.code, occupation.trade))
            if current is None:
                occupation.save()
                result.created += 1
            else:
                current.name, current.levels = occupation.name, occupation.levels
                current.save(update_fields=["name", "levels"])
                result.updated += 1
    return result
