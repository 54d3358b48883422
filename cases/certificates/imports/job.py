"""Importing a result batch from .xlsx or .csv: streamed row by row, every problem named, all or nothing.

The job (`run_import`, run in the background by cases.certificates.jobs) reads the file once, checks each row on its
own (names, resident ID check digit, occupation and level against the plan and the filed scope, scores,
result) and stages the good rows in the candidate table under the job, 1,000 at a time, reporting
progress as it goes. Then the database finds what needs all rows at once: the same person twice in the
file, people who already hold the certificate, people reported in another batch awaiting registration.
If anything is wrong, every problem is stored and the staged rows are dropped; the batch keeps what it
had. Otherwise the staged rows replace the batch's candidates in one short transaction.

Memory stays flat whatever the size: openpyxl's read-only mode streams the sheet, CSV is read line by
line, and the checks that span rows are queries, not Python sets."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone, translation

from audits.services import audit_record
from cases.certificates.imports.checking import RowChecker
from cases.certificates.imports.columns import _HEADER_KEYS, COLUMNS, _normal_header, _text
from cases.certificates.imports.reading import Table, UnreadableFile
from cases.certificates.services.batches import certifiable_scope_row
from cases.models import (
    BatchState,
    Candidate,
    Certificate,
    CertificateState,
    Filing,
    ImportProblem,
    ResultImport,
)

logger = logging.getLogger(__name__)


CHUNK = 1000


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
        from cases.common.locking import locked

        batch = locked(job.batch)
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
