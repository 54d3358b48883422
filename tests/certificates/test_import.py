"""Importing results: every bad row named with its reason, nothing imported while any row is bad."""

import io
import tracemalloc

import openpyxl
import pytest
from django.test import TestCase
from django.utils import translation

from cases.certificates.imports import job as certificate_import
from cases.certificates.imports.columns import problem_text
from cases.certificates.imports.template import template_csv, template_xlsx
from cases.certificates.services import batches as services
from cases.models import Candidate, ResultImport
from tests.certificates.conftest import (
    HEADER,
    good_rows,
    id_number,
    imported_batch,
    make_plan,
    results_csv,
    run_import,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(filing, applicant):
    plan = make_plan(filing, applicant, level=4)
    return services.result_batch_create(plan=plan, actor=applicant)


def _problems(job):
    with translation.override("en"):
        return [(p.line, problem_text(p)) for p in job.problems.order_by("line", "pk")]


def test_a_clean_file_is_imported_with_ids_hashed_and_masked(batch, applicant):
    job = run_import(batch, applicant, results_csv(good_rows(3)))
    assert job.status == ResultImport.Status.DONE and job.imported_rows == 3
    assert batch.candidate_count == 3 and batch.passed_count == 3
    candidate = batch.candidates.get(line=2)
    assert candidate.id_masked == "110***********" + id_number(0)[-4:]
    assert candidate.id_hash == services.id_number_hash(id_number(0)) and len(candidate.id_hash) == 64
    assert not Candidate.objects.filter(id_hash__contains=id_number(0)[:10]).exists()


def test_one_bad_row_is_named_and_nothing_is_imported(batch, applicant):
    rows = good_rows(4)
    bad = id_number(2)
    rows[2] = (rows[2][0], bad[:-1] + ("0" if bad[-1] != "0" else "1"), *rows[2][2:])
    job = run_import(batch, applicant, results_csv(rows))
    assert job.status == ResultImport.Status.FAILED
    assert _problems(job) == [
        (
            4,
            f"110***********{bad[-4:-1]}{(bad[:-1] + ('0' if bad[-1] != '0' else '1'))[-1]}: "
            "the check digit does not match; the number has a typo.",
        )
    ]
    assert batch.candidates.count() == 0 and Candidate.objects.count() == 0
    assert job.problems.get().params["name"] == "学员2"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (("", id_number(1), "6-18-02-04", 4, 80, 80, "", "合格"), "Name is empty."),
        (("张三", "11010519900101", "6-18-02-04", 4, 80, 80, "", "合格"), "is not an 18-character resident ID number"),
        (("张三", id_number(1, "20200101"), "6-18-02-04", 4, 80, 80, "", "合格"), "under 16"),
        (("张三", id_number(1), "6-18-01-01", 4, 80, 80, "", "合格"), "not in the body's filed, unsuspended scope"),
        (("张三", id_number(1), "6-18-02-04", 1, 80, 80, "", "合格"), "is not in the body's filed scope"),
        (("张三", id_number(1), "6-18-02-04", 3, 80, 80, "", "合格"), "differs from the assessment plan"),
        (("张三", id_number(1), "6-18-02-04", "六级", 80, 80, "", "合格"), "is not a skill level"),
        (("张三", id_number(1), "6-18-02-04", 4, 101, 80, "", "合格"), "is not a score from 0 to 100"),
        (("张三", id_number(1), "6-18-02-04", 4, 80.25, 80, "", "合格"), "at most one decimal"),
        (("张三", id_number(1), "6-18-02-04", 4, "", "", "", "合格"), "Give at least one score"),
        (("张三", id_number(1), "6-18-02-04", 4, 80, 80, "", "良好"), "is not a result"),
        (("张三", id_number(1), "6-18-02-04", 4, 55, 80, "", "合格"), "below the pass mark of 60"),
    ],
)
def test_each_kind_of_bad_row_is_explained(batch, applicant, row, expected):
    job = run_import(batch, applicant, results_csv([*good_rows(1, start=10), row]))
    problems = _problems(job)
    assert job.status == ResultImport.Status.FAILED
    assert [line for line, _text in problems] == [3], problems
    assert expected in problems[0][1]


def test_levels_may_be_written_as_words(batch, applicant):
    rows = [
        ("甲", id_number(1), "6-18-02-04", "四级/中级工", 80, 80, "", "合格"),
        ("乙", id_number(2), "6-18-02-04", "中级工", 70, "", "", "通过"),
    ]
    job = run_import(batch, applicant, results_csv(rows))
    assert job.status == ResultImport.Status.DONE, _problems(job)


def test_the_same_person_twice_in_the_file_is_reported_against_the_first_line(batch, applicant):
    rows = good_rows(3)
    rows.append(("重复", id_number(1), "6-18-02-04", 4, 80, 80, "", "合格"))
    job = run_import(batch, applicant, results_csv(rows))
    with translation.override("en"):
        assert _problems(job) == [(5, "The same person (ID number) is already on line 3.")]


def test_someone_who_already_holds_the_certificate_is_reported(filing, applicant, reviewer, batch):
    first = imported_batch(make_plan(filing, applicant, level=4), applicant, good_rows(2))
    services.result_batch_submit(batch=first, actor=applicant)
    services.result_batch_approve(batch=first, actor=reviewer)
    number = first.certificates.get(candidate__line=2).number
    job = run_import(batch, applicant, results_csv(good_rows(1, start=0) + good_rows(1, start=7)))
    assert _problems(job) == [(2, f"This person already holds certificate {number} for this occupation and level.")]


def test_someone_reported_in_another_batch_awaiting_registration_is_reported(filing, applicant, batch):
    first = imported_batch(make_plan(filing, applicant, level=4), applicant, good_rows(2))
    services.result_batch_submit(batch=first, actor=applicant)
    job = run_import(batch, applicant, results_csv(good_rows(1, start=1)))
    assert _problems(job) == [(2, f"This person is already reported for this occupation and level in batch {first}.")]


def test_a_bad_reimport_keeps_what_was_imported_before(batch, applicant):
    run_import(batch, applicant, results_csv(good_rows(3)))
    job = run_import(batch, applicant, results_csv([("", id_number(9), "6-18-02-04", 4, 80, 80, "", "合格")]))
    assert job.status == ResultImport.Status.FAILED
    batch.refresh_from_db()
    assert batch.candidate_count == 3 and batch.candidates.count() == 3
    with pytest.raises(services.ValidationError, match="not accepted"):
        services.result_batch_submit(batch=batch, actor=applicant)


def test_a_good_reimport_replaces_the_candidates(batch, applicant):
    run_import(batch, applicant, results_csv(good_rows(3)))
    run_import(batch, applicant, results_csv(good_rows(2, start=20)))
    assert sorted(batch.candidates.values_list("name", flat=True)) == ["学员20", "学员21"]


def test_a_missing_column_is_named(batch, applicant):
    header = HEADER.replace(",认定结果", "")
    job = run_import(batch, applicant, results_csv([row[:-1] for row in good_rows(2)], header=header))
    assert _problems(job) == [(1, "The column “Result” is missing from the header row.")]


def test_english_headers_are_accepted(batch, applicant):
    header = "Name,ID number,Occupation code,Level,Theory score,Practical score,Review score,Result"
    rows = [(name, number, code, level, t, p, r, "passed") for name, number, code, level, t, p, r, _res in good_rows(2)]
    assert run_import(batch, applicant, results_csv(rows, header=header)).status == ResultImport.Status.DONE


def test_csv_saved_by_chinese_excel_in_gb18030_is_read(batch, applicant):
    content = results_csv(good_rows(2)).decode("utf-8").encode("gb18030")
    job = run_import(batch, applicant, content)
    assert job.status == ResultImport.Status.DONE
    assert batch.candidates.get(line=2).name == "学员0"


def test_the_xlsx_template_filled_in_imports(batch, applicant):
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx(batch.plan)))
    sheet = workbook.worksheets[0]
    for row in good_rows(3):
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run_import(batch, applicant, buffer.getvalue(), name="results.xlsx")
    assert job.status == ResultImport.Status.DONE, _problems(job)
    assert job.total_rows == 3 and batch.candidate_count == 3
    assert workbook.sheetnames == ["认定结果", "说明"]


def test_an_id_number_excel_turned_into_a_number_is_explained(batch, applicant):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER.split(","))
    workbook.active.append(["张三", 110105199001010003, "6-18-02-04", 4, 80, 80, None, "合格"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run_import(batch, applicant, buffer.getvalue(), name="results.xlsx")
    assert "lost digits" in _problems(job)[0][1]


def test_the_csv_template_has_the_header_only(batch):
    assert template_csv(batch.plan).decode("utf-8-sig").strip() == HEADER


def test_files_that_are_not_tables_are_refused_at_upload(batch, applicant):
    with pytest.raises(services.ValidationError, match="xls"):
        run_import(batch, applicant, b"\xd0\xcf\x11\xe0" + b"\x00" * 100, name="old.xls")
    with pytest.raises(services.ValidationError):
        run_import(batch, applicant, b"%PDF-1.4\x00\x00", name="x.pdf")
    assert run_import(batch, applicant, b"PK\x03\x04garbage", name="x.xlsx").status == ResultImport.Status.FAILED


def test_a_suspension_after_planning_stops_the_import(filing, applicant, batch):
    filing.scope.update(suspended=True)
    job = run_import(batch, applicant, results_csv(good_rows(2)))
    assert job.status == ResultImport.Status.FAILED
    assert "suspended" in _problems(job)[0][1]


def test_progress_is_recorded_as_the_rows_are_checked(batch, applicant, monkeypatch):
    seen = []
    original = certificate_import._Recorder.flush

    def spy(self, total=None):
        original(self, total)
        seen.append(ResultImport.objects.filter(pk=self.job.pk).values_list("processed_rows", "total_rows").get())

    monkeypatch.setattr(certificate_import, "CHUNK", 100)
    monkeypatch.setattr(certificate_import._Recorder, "flush", spy)
    run_import(batch, applicant, results_csv(good_rows(450)))
    processed = [done for done, _total in seen]
    assert {100, 200, 300, 400} <= set(processed) and processed == sorted(processed)
    assert seen[-1] == (450, 450)


def _peak_memory(batch, applicant, rows: int) -> int:
    """Peak Python memory of the import job alone (the upload is stored before it starts)."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        job = services.result_import_start(batch=batch, actor=applicant, uploaded=upload(results_csv(good_rows(rows))))
    tracemalloc.start()
    try:
        job = certificate_import.run_import(job_id=job.pk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert job.status == ResultImport.Status.DONE, _problems(job)[:3]
    return peak


def test_memory_does_not_grow_with_the_number_of_rows(batch, applicant):
    small = _peak_memory(batch, applicant, 2_000)
    large = _peak_memory(batch, applicant, 12_000)
    # Six times the rows: a row-proportional import would need six times the memory.
    assert large < small * 1.6, (small, large)
