"""The results template offered for download (.xlsx and .csv)."""

import csv
import io

import openpyxl
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.certificates.imports.columns import COLUMNS
from cases.models import (
    SkillLevel,
)

# The template offered for download


def template_rows(plan) -> list[list[str]]:
    """Header row of the template (and nothing else: an example row could be imported by mistake)."""
    return [[column.header for column in COLUMNS]]


def template_xlsx(plan) -> bytes:
    workbook = openpyxl.Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "认定结果"
    sheet.append([column.header for column in COLUMNS])
    widths = {"A": 12, "B": 22, "C": 14, "D": 14, "E": 14, "F": 14, "G": 14, "H": 12}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    # ID numbers as text, whole column (cells formatted one by one would count as rows of the sheet):
    # as numbers Excel keeps only 15 significant digits.
    sheet.column_dimensions["B"].number_format = "@"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("说明")
    for line in template_notes(plan):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_notes(plan) -> list[str]:
    level = SkillLevel(plan.level)
    return [
        str(_("Results of assessment plan %(plan)s") % {"plan": plan.number}),
        str(
            _("Occupation code: %(code)s (%(occupation)s)")
            % {"code": plan.occupation.code, "occupation": plan.occupation}
        ),
        str(_("Level: %(digit)s (%(label)s)") % {"digit": plan.level, "label": level.label}),
        str(_("One row per candidate on the first sheet; keep the header row as it is.")),
        str(_("Resident ID number: 18 characters, typed as text. Result: 合格 or 不合格.")),
        str(
            _("Scores from 0 to 100 with at most one decimal; a passed candidate needs %(mark)s or more in each.")
            % {"mark": settings.CERTIFICATE_PASS_MARK}
        ),
    ]


def template_csv(plan) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(template_rows(plan))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
