"""The PDFs of a selection: the call (and its amendment), the published list, the notices; rendered after commit,
signed, and saying what the call and the review say."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.timers import fire_due_timers

from cases.models import GeneratedDocument
from cases.selection import selectors
from cases.selection.services import calls, publication, review
from tests.selection.conftest import applied, close_window, make_call

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext")


def _text(document: GeneratedDocument) -> str:
    document.refresh_from_db()
    assert document.is_rendered, document
    with document.file.open("rb") as stored:
        pdf = stored.read()
    assert pdf.startswith(b"%PDF")
    result = subprocess.run([PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return "".join(result.stdout.decode().split())  # CJK text comes out with spaces between glyphs


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils (pdftotext) is not installed")
def test_every_selection_document_renders_what_the_case_says(
    chief, clerk, occupations, experts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        opens = timezone.localdate() + timedelta(days=5)
        call = make_call(chief, occupations, opens=opens, closes=opens + timedelta(days=9), publish=False)
        calls.call_publish(call=call, actor=chief)
        calls.call_amend(
            call=call, actor=chief, reason="延长申报时间", fields={"window_closes": opens + timedelta(days=12)}
        )
    call.refresh_from_db()
    first, amended = GeneratedDocument.objects.filter(kind="selection_call").order_by("pk")
    text = _text(first)
    assert call.title in text and "养老护理员" in text and _cn(call.window_opens) in text and "S1" in text
    amendment = _text(amended)
    assert "更正公告（第1次）" in amendment and "延长申报时间" in amendment and _cn(call.window_closes) in amendment

    past = make_call(chief, occupations)
    a, _ = applied(past, occupations[0], name="甲评价中心")
    b, _ = applied(past, occupations[0], name="乙评价中心")
    c, _ = applied(past, occupations[0], name="丙评价中心")
    close_window()
    with django_capture_on_commit_callbacks(execute=True):
        review.eligibility_decide(application=a, actor=clerk, eligible=True)
        review.eligibility_decide(application=b, actor=clerk, eligible=True)
        review.eligibility_decide(application=c, actor=clerk, eligible=False, reasons="成立时间不足三年")
    assert "成立时间不足三年" in _text(GeneratedDocument.objects.get(kind="selection_notice", object_id=str(c.pk)))
    review.panel_draw(call=past, actor=chief, seed="s")
    for application, value in ((a, 88), (b, 61)):
        for expert in past.panel.experts.all():
            points = dict.fromkeys((criterion.code for criterion in past.rubric.criteria.all()), value)
            review.score_submit(application=application, actor=expert, points=points, declared=True)
    entries = {row.application.pk: row.entry.pk for lot in selectors.call_ranking(past).lots for row in lot.rows}
    with django_capture_on_commit_callbacks(execute=True):
        review.list_confirm(
            call=past,
            actor=chief,
            selected={entries[a.pk]},
            reasons={entries[b.pk]: "乙中心考评员资质待核实"},
            today=timezone.localdate() - timedelta(days=9),
        )
    past.refresh_from_db()
    ranking = _text(GeneratedDocument.objects.get(kind="selection_ranking"))
    assert "甲评价中心" in ranking and "88.00" in ranking and "乙中心考评员资质待核实" in ranking
    assert _cn(past.publication_starts) in ranking and _cn(past.publication_ends) in ranking
    fire_due_timers()
    with django_capture_on_commit_callbacks(execute=True):
        publication.selection_conclude(call=past, actor=chief)
    selected = _text(GeneratedDocument.objects.get(kind="selection_notice", object_id=str(a.pk)))
    assert "遴选入选通知书" in selected and "养老护理员" in selected
    not_selected = _text(GeneratedDocument.objects.get(kind="selection_notice", object_id=str(b.pk)))
    assert "遴选未入选通知书" in not_selected and "乙中心考评员资质待核实" in not_selected
