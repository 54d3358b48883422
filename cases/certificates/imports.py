"""Importing a result batch from .xlsx or .csv: streamed row by row, every problem named, all or nothing.

The job (`run_import`, run in the background by cases.certificates.jobs) reads the file once, checks each row on its
own (names, resident ID check digit, occupation and level against the plan and the filed scope, scores,
result) and stages the good rows in the candidate table under the job, 1,000 at a time, reporting
progress as it goes. Then the database finds what needs all rows at once: the same person twice in the
file, people who already hold the certificate, people reported in another batch awaiting registration.
If anything is wrong, every problem is stored and the staged rows are dropped; the batch keeps what it
had. Otherwise the staged rows replace the batch's candidates in one short transaction.

Memory stays flat whatever the size: openpyxl's read-only mode streams the sheet, CSV is read line by
line, and the checks that span rows are queries, not Python sets.
"""

import csv
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import openpyxl
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from audits.services import audit_record
from cases.certificates.services import certifiable_scope_row
from cases.common.identity import id_number_hash, mask_id_number, normalise_id_number, resident_id_problem
from cases.models import (
    BatchState,
    Candidate,
    Certificate,
    CertificateState,
    Filing,
    ImportProblem,
    ResultImport,
    SkillLevel,
)

logger = logging.getLogger(__name__)

CHUNK = 1000
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


# Reading the file


class UnreadableFile(Exception):
    pass


def sniff_format(uploaded) -> str:
    """'xlsx' or 'csv' from the content, or ValidationError (old .xls, PDFs, images...)."""
    uploaded.seek(0)
    head = uploaded.read(4096)
    uploaded.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(_("Old Excel (.xls) files are not supported: save the sheet as .xlsx or CSV."))
    if b"\x00" in head or not head.strip():
        raise ValidationError(_("Upload the results as an Excel (.xlsx) or CSV file."))
    return "csv"


def _csv_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030: what Excel on a Chinese Windows saves CSV in."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        # Incremental, so that a character cut at the end of the sample does not count as an error.
        import codecs

        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


class Table:
    """The rows of an uploaded file, streamed: (line number, tuple of cell values)."""

    def __init__(self, fileobj, file_format: str):
        self.fileobj = fileobj
        self.format = file_format
        self.total: int | None = None
        self._workbook = None

    def rows(self):
        if self.format == "xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _xlsx_rows(self):
        try:
            self._workbook = openpyxl.load_workbook(self.fileobj, read_only=True, data_only=True)
            sheet = self._workbook.worksheets[0]
            max_row = sheet.max_row
            self.total = max_row if isinstance(max_row, int) and max_row > 1 else None
            rows = sheet.iter_rows(values_only=True)
            yield from enumerate(rows, start=1)
        except UnreadableFile:
            raise
        except Exception as error:  # zip, XML and openpyxl errors: all mean "not a usable workbook"
            raise UnreadableFile(error.__class__.__name__) from error
        finally:
            if self._workbook is not None:
                self._workbook.close()

    def _csv_rows(self):
        self.fileobj.seek(0)
        head = self.fileobj.read(65536)
        encoding = _csv_encoding(head)
        self.fileobj.seek(0)
        self.total = sum(chunk.count(b"\n") for chunk in iter(lambda: self.fileobj.read(1 << 20), b"")) or None
        self.fileobj.seek(0)
        text = io.TextIOWrapper(self.fileobj, encoding=encoding, newline="", errors="strict")
        try:
            dialect = csv.Sniffer().sniff(head.decode(encoding, errors="ignore")[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            yield from enumerate(csv.reader(text, dialect), start=1)
        except (UnicodeDecodeError, csv.Error) as error:
            raise UnreadableFile(error.__class__.__name__) from error
        finally:
            text.detach()


# Checking rows


@dataclass
class RowResult:
    candidate: dict | None
    problems: list[tuple[str, str, dict]]  # (column key, code, params)


class RowChecker:
    """Checks one row on its own against the plan and the body's filed scope."""

    def __init__(self, plan, scope_rows):
        self.plan = plan
        self.pass_mark = Decimal(settings.CERTIFICATE_PASS_MARK)
        # occupation code -> levels certifiable now, from the filing's unsuspended scope
        self.scope = {row.occupation.code: set(row.levels) for row in scope_rows}
        self.latest_birth = plan.assessment_date - relativedelta(years=MINIMUM_AGE)

    def check(self, values: dict) -> RowResult:
        problems = []
        for column in COLUMNS:
            if column.required and values.get(column.key) in (None, ""):
                problems.append((column.key, "required", {"column": column.key}))
        name = _text(values.get("name"))
        if len(name) > 50:
            problems.append(("name", "name_too_long", {}))
        id_hash, id_masked = self._id_number(values.get("id_number"), problems)
        self._occupation_and_level(values, problems)
        scores = {key: self._score(key, values.get(key), problems) for key in SCORE_KEYS}
        if all(values.get(key) in (None, "") for key in SCORE_KEYS):
            problems.append(("theory_score", "score_missing", {}))
        passed = self._result(values.get("result"), problems)
        if passed:
            for key, score in scores.items():
                if score is not None and score < self.pass_mark:
                    problems.append(
                        (key, "passed_below_mark", {"column": key, "value": str(score), "mark": str(self.pass_mark)})
                    )
        if problems:
            return RowResult(None, problems)
        return RowResult(
            {"name": name, "id_hash": id_hash, "id_masked": id_masked, "passed": passed, **scores}, problems
        )

    def _id_number(self, raw, problems):
        if raw in (None, ""):
            return None, None
        if isinstance(raw, int | float):
            problems.append(("id_number", "id_as_number", {}))
            return None, None
        number = normalise_id_number(raw)
        masked = {"value": mask_id_number(number) if len(number) > 7 else "*" * len(number)}
        problem = resident_id_problem(number)
        if problem is not None:
            problems.append(("id_number", f"id_{problem}", masked))
            return None, None
        if ric.get_birth_date(number) > self.latest_birth:
            problems.append(("id_number", "too_young", {**masked, "age": MINIMUM_AGE}))
        return id_number_hash(number), mask_id_number(number)

    def _occupation_and_level(self, values, problems):
        code = _text(values.get("occupation_code"))
        level = parse_level(values.get("level"))
        raw_level = _text(values.get("level"))
        if raw_level and level is None:
            problems.append(("level", "level_invalid", {"value": raw_level}))
        if not code:
            return
        if code not in self.scope:
            problems.append(("occupation_code", "occupation_outside_scope", {"value": code}))
            return
        if code != self.plan.occupation.code:
            problems.append(
                ("occupation_code", "occupation_not_plan", {"value": code, "expected": str(self.plan.occupation)})
            )
            return
        if level is None:
            return
        if level not in self.scope[code]:
            problems.append(("level", "level_outside_scope", {"level": level}))
        elif level != self.plan.level:
            problems.append(("level", "level_not_plan", {"level": level, "expected_level": self.plan.level}))

    def _score(self, key, raw, problems) -> Decimal | None:
        if raw in (None, ""):
            return None
        text = _text(raw)
        try:
            score = Decimal(text)
        except InvalidOperation:
            score = None
        if score is None or not score.is_finite() or not (0 <= score <= 100) or score != score.quantize(Decimal("0.1")):
            problems.append((key, "score_invalid", {"column": key, "value": text[:20]}))
            return None
        return score.quantize(Decimal("0.1"))

    def _result(self, raw, problems) -> bool | None:
        if raw in (None, ""):
            return None
        text = _text(raw).lower()
        if text in _PASSED:
            return True
        if text in _FAILED:
            return False
        problems.append(("result", "result_invalid", {"value": _text(raw)[:20]}))
        return None


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


# The job


class _Recorder:
    """Buffers staged rows and problems, writing them CHUNK at a time with the job's progress."""

    def __init__(self, job):
        self.job = job
        self.rows: list[Candidate] = []
        self.problems: list[ImportProblem] = []
        self.problem_count = 0
        self.staged = 0
        self.processed = 0

    def problem(self, line: int, column: str, code: str, params=None, name: str = "") -> None:
        params = dict(params or {})
        if name:
            params["name"] = name[:50]
        self.problems.append(ImportProblem(job=self.job, line=line, column=column, code=code, params=params))
        self.problem_count += 1
        if len(self.problems) >= CHUNK:
            self.flush()

    def stage(self, line: int, fields: dict) -> None:
        self.rows.append(Candidate(staged_by=self.job, line=line, **fields))
        self.staged += 1
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self, total: int | None = None) -> None:
        if self.rows:
            Candidate.objects.bulk_create(self.rows)
            self.rows = []
        if self.problems:
            ImportProblem.objects.bulk_create(self.problems)
            self.problems = []
        fields = {
            "processed_rows": self.processed,
            "problem_count": self.problem_count,
            "heartbeat_at": timezone.now(),
        }
        if total is not None:
            fields["total_rows"] = total
        ResultImport.objects.filter(pk=self.job.pk).update(**fields)


def in_pages(queryset, *fields, size: int = CHUNK):
    """Rows of `queryset` (values of `fields`) page by page, ordered by line then pk.

    Each page is its own short query. A cursor held open across the job's writes would pin an old
    SQLite snapshot, and the next write from the same connection would fail with "database is locked"
    as soon as anyone else had committed meanwhile.
    """
    last = (0, 0)
    while True:
        after = Q(line__gt=last[0]) | Q(line=last[0], pk__gt=last[1])
        page = list(queryset.filter(after).order_by("line", "pk").values_list("line", "pk", *fields)[:size])
        if not page:
            return
        last = page[-1][:2]
        for row in page:
            yield row[2:]


def delete_in_chunks(queryset) -> None:
    """Delete without loading every row at once (Django's delete collects the objects it deletes)."""
    while True:
        pks = list(queryset.values_list("pk", flat=True)[:CHUNK])
        if not pks:
            return
        queryset.model.objects.filter(pk__in=pks).delete()


def _header_map(row) -> tuple[dict[int, str], list[str]]:
    positions = {}
    for index, cell in enumerate(row or ()):
        key = _HEADER_KEYS.get(_normal_header(cell))
        if key and key not in positions.values():
            positions[index] = key
    missing = [column.key for column in COLUMNS if column.required and column.key not in positions.values()]
    return positions, missing


def _scope_rows(plan, today):
    filing = Filing.objects.prefetch_related("scope__occupation").get(pk=plan.filing_id)
    certifiable_scope_row(filing=filing, occupation=plan.occupation, level=plan.level, today=today)
    return filing.certifiable_scope(today)


def run_import(*, job_id: int) -> ResultImport:
    """Check and import one uploaded file (the background job)."""
    job = ResultImport.objects.select_related("batch__plan__occupation", "batch__organisation").get(pk=job_id)
    if job.status != ResultImport.Status.QUEUED:
        return job
    now = timezone.now()
    ResultImport.objects.filter(pk=job.pk).update(status=ResultImport.Status.RUNNING, started_at=now, heartbeat_at=now)
    recorder = _Recorder(job)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            _check_file(job, recorder)
            _check_across_rows(job, recorder)
            recorder.flush()
            _finish(job, recorder)
    except Exception:
        logger.exception("Result import %s failed", job.pk)
        delete_in_chunks(Candidate.objects.filter(staged_by=job))
        ImportProblem.objects.create(job=job, line=0, code="crashed")
        ResultImport.objects.filter(pk=job.pk).update(
            status=ResultImport.Status.ERROR, finished_at=timezone.now(), problem_count=recorder.problem_count + 1
        )
    job.refresh_from_db()
    return job


def _check_file(job, recorder: _Recorder) -> None:
    plan = job.batch.plan
    try:
        scope_rows = _scope_rows(plan, timezone.localdate())
    except ValidationError as error:
        recorder.problem(0, "", "scope_blocked", {"message": " ".join(error.messages)})
        return
    checker = RowChecker(plan, scope_rows)
    limit = settings.RESULT_IMPORT_MAX_ROWS
    file_format = job.file.name.rsplit(".", 1)[-1]
    with job.file.open("rb") as fileobj:
        table = Table(fileobj, file_format)
        positions = None
        try:
            for line, row in table.rows():
                if positions is None:
                    if not any(_text(cell) for cell in row or ()):
                        continue  # blank lines above the header
                    positions, missing = _header_map(row)
                    if not positions:
                        recorder.problem(line, "", "no_header")
                        return
                    for key in missing:
                        recorder.problem(line, key, "missing_column", {"column": key})
                    if missing:
                        return
                    recorder.flush(total=max((table.total or 0) - line, 0) or None)
                    continue
                values = {key: row[index] if index < len(row) else None for index, key in positions.items()}
                if not any(_text(value) for value in values.values()):
                    continue  # blank row
                recorder.processed += 1
                if recorder.processed > limit:
                    recorder.problem(line, "", "too_many_rows", {"limit": limit})
                    return
                result = checker.check(values)
                if result.problems:
                    name = _text(values.get("name"))
                    for column, code, params in result.problems:
                        recorder.problem(line, column, code, params, name=name)
                else:
                    recorder.stage(line, result.candidate)
                if recorder.processed % CHUNK == 0:
                    recorder.flush()
        except UnreadableFile as error:
            recorder.problem(0, "", "unreadable", {"format": file_format.upper(), "error": str(error)})
            return
    if positions is None:
        recorder.problem(0, "", "no_header")
    elif recorder.processed == 0:
        recorder.problem(0, "", "empty_file")
    recorder.flush()


def _check_across_rows(job, recorder: _Recorder) -> None:
    """Checks that need every row: done by the database over the staged rows."""
    recorder.flush()
    if not recorder.staged:
        return
    plan = job.batch.plan
    staged = Candidate.objects.filter(staged_by=job)

    repeated = staged.values("id_hash").annotate(times=Count("pk")).filter(times__gt=1).values("id_hash")
    first_lines = staged.filter(id_hash=OuterRef("id_hash")).order_by("line").values("line")[:1]
    repeats = staged.filter(id_hash__in=Subquery(repeated)).annotate(first=Subquery(first_lines))
    for line, name, first in in_pages(repeats, "line", "name", "first"):
        if line != first:
            recorder.problem(line, "id_number", "duplicate_in_file", {"first": first}, name=name)

    held = Certificate.objects.filter(
        status=CertificateState.VALID, occupation_id=plan.occupation_id, level=plan.level, id_hash=OuterRef("id_hash")
    ).values("number")[:1]
    certified = staged.annotate(held=Subquery(held)).filter(held__isnull=False)
    for line, name, number in in_pages(certified, "line", "name", "held"):
        recorder.problem(line, "id_number", "already_certified", {"number": number}, name=name)

    pending = (
        Candidate.objects.filter(
            batch__state__in=[BatchState.SUBMITTED, BatchState.RETURNED],
            batch__plan__occupation_id=plan.occupation_id,
            batch__plan__level=plan.level,
            id_hash=OuterRef("id_hash"),
        )
        .exclude(batch_id=job.batch_id)
        .values("batch__number")[:1]
    )
    elsewhere = staged.annotate(other=Subquery(pending)).filter(other__isnull=False)
    for line, name, number in in_pages(elsewhere, "line", "name", "other"):
        recorder.problem(line, "id_number", "pending_elsewhere", {"batch": number}, name=name)
    recorder.flush()


def _finish(job, recorder: _Recorder) -> None:
    now = timezone.now()
    if recorder.problem_count:
        delete_in_chunks(Candidate.objects.filter(staged_by=job))
        ResultImport.objects.filter(pk=job.pk).update(
            status=ResultImport.Status.FAILED, finished_at=now, problem_count=recorder.problem_count
        )
        return
    with transaction.atomic():
        from cases.certificates.services import _locked_batch

        batch = _locked_batch(job.batch)
        if not batch.is_editable_by_body:
            raise RuntimeError(f"batch {batch.pk} changed state during its import")
        delete_in_chunks(Candidate.objects.filter(batch=batch))
        imported = Candidate.objects.filter(staged_by=job).update(batch=batch, staged_by=None)
        batch.candidate_count = imported
        batch.passed_count = batch.candidates.filter(passed=True).count()
        batch.source_name, batch.source_sha256 = job.original_name, job.sha256
        batch.save(update_fields=["candidate_count", "passed_count", "source_name", "source_sha256"])
        ResultImport.objects.filter(pk=job.pk).update(
            status=ResultImport.Status.DONE, finished_at=now, imported_rows=imported, heartbeat_at=now
        )
        audit_record(
            actor=job.created_by,
            action="resultbatch.imported",
            obj=batch,
            data={"rows": imported, "passed": batch.passed_count, "sha256": job.sha256, "name": job.original_name},
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
