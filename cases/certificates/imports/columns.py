"""The columns of a results file, their aliases, and the problems a row can have (texts in the reader's language)."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases.models import (
    ImportProblem,
    SkillLevel,
)

MINIMUM_AGE = 16  # the statutory minimum working age


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as written in the template (a data-exchange format: fixed Chinese headers)
    aliases: tuple[str, ...]  # further headers accepted, e.g. the English ones
    required: bool
    label: object  # shown to users, in their language


COLUMNS = [
    Column("name", "姓名", ("name",), True, _("Name")),
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "证件号码", "id number", "id_number", "resident id number"),
        True,
        _("Resident ID number"),
    ),
    Column(
        "occupation_code",
        "职业编码",
        ("职业(工种)编码", "职业代码", "occupation code", "occupation_code"),
        True,
        _("Occupation code"),
    ),
    Column("level", "等级", ("技能等级", "职业技能等级", "level"), True, _("Level")),
    Column(
        "theory_score",
        "理论知识成绩",
        ("理论成绩", "理论知识", "theory score", "theory_score"),
        False,
        _("Theory score"),
    ),
    Column(
        "practical_score",
        "操作技能成绩",
        ("实操成绩", "操作技能", "practical score", "practical_score"),
        False,
        _("Practical score"),
    ),
    Column("review_score", "综合评审成绩", ("综合评审", "review score", "review_score"), False, _("Review score")),
    Column("result", "认定结果", ("结果", "是否合格", "result"), True, _("Result")),
]


COLUMN_LABELS = {column.key: column.label for column in COLUMNS}


SCORE_KEYS = ("theory_score", "practical_score", "review_score")


# Problem codes and their text; params are filled in when a problem is shown, in the reader's language.
PROBLEMS = {
    "no_header": _("No header row: the first row must name the columns, as in the template."),
    "missing_column": _("The column “%(column)s” is missing from the header row."),
    "too_many_rows": _("The file has more than %(limit)s rows; split it into several batches."),
    "unreadable": _("The file cannot be read as %(format)s (%(error)s). Download the template and use that."),
    "empty_file": _("The file has no result rows."),
    "scope_blocked": _("%(message)s"),
    "crashed": _("The import stopped because of an internal error; the bureau has been told. Try again later."),
    "required": _("%(column)s is empty."),
    "name_too_long": _("The name is longer than 50 characters."),
    "id_as_number": _(
        "The ID number was stored by Excel as a number and has lost digits; format the column as text and "
        "type it again."
    ),
    "id_format": _("%(value)s is not an 18-character resident ID number."),
    "id_checksum": _("%(value)s: the check digit does not match; the number has a typo."),
    "id_birth_date": _("%(value)s: the date of birth in the number is not a real date."),
    "too_young": _("%(value)s: the holder was under %(age)s on the assessment date."),
    "occupation_outside_scope": _("Occupation %(value)s is not in the body's filed, unsuspended scope."),
    "occupation_not_plan": _("Occupation %(value)s differs from the assessment plan (%(expected)s)."),
    "level_invalid": _("%(value)s is not a skill level (1 to 5, or e.g. 四级/中级工)."),
    "level_outside_scope": _("%(value)s of this occupation is not in the body's filed scope."),
    "level_not_plan": _("%(value)s differs from the assessment plan (%(expected)s)."),
    "score_invalid": _("%(column)s: %(value)s is not a score from 0 to 100 with at most one decimal."),
    "score_missing": _("Give at least one score (theory, practical or review)."),
    "result_invalid": _("%(value)s is not a result; write 合格 (passed) or 不合格 (failed)."),
    "passed_below_mark": _("The result is passed, but %(column)s is %(value)s, below the pass mark of %(mark)s."),
    "duplicate_in_file": _("The same person (ID number) is already on line %(first)s."),
    "already_certified": _("This person already holds certificate %(number)s for this occupation and level."),
    "pending_elsewhere": _("This person is already reported for this occupation and level in batch %(batch)s."),
}


_LEVEL_WORDS = {
    "一级": 1,
    "二级": 2,
    "三级": 3,
    "四级": 4,
    "五级": 5,
    "高级技师": 1,
    "技师": 2,
    "高级工": 3,
    "中级工": 4,
    "初级工": 5,
}


_PASSED = {"合格", "通过", "pass", "passed", "yes", "y", "是"}


_FAILED = {"不合格", "未通过", "不通过", "fail", "failed", "no", "n", "否"}


def problem_text(problem: ImportProblem) -> str:
    """The problem in the current language."""
    params = dict(problem.params or {})
    if "column" in params and params["column"] in COLUMN_LABELS:
        params["column"] = COLUMN_LABELS[params["column"]]
    if "expected_level" in params:
        params["expected"] = SkillLevel(params.pop("expected_level")).label
    if "level" in params:
        params["value"] = SkillLevel(params.pop("level")).label
    try:
        return str(PROBLEMS[problem.code]) % params
    except (KeyError, TypeError, ValueError):
        return problem.code


def _normal_header(value) -> str:
    return re.sub(r"[\s*:]", "", unicodedata.normalize("NFKC", str(value or ""))).lower()


_HEADER_KEYS = {_normal_header(name): column.key for column in COLUMNS for name in (column.header, *column.aliases)}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_level(raw) -> int | None:
    """1-5 from 4, '4', '4级', '四级', '中级工', '四级/中级工', 'Level 4'; None if not a level."""
    if raw in (None, ""):
        return None
    text = _text(raw).lower().replace("level", "").strip()
    match = re.fullmatch(r"([1-5])\s*级?", text)
    if match:
        return int(match[1])
    parts = {_LEVEL_WORDS.get(part.strip()) for part in re.split(r"[/／、]", text)}
    parts.discard(None)
    return parts.pop() if len(parts) == 1 else None
