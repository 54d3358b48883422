"""The rectification notice and the sanction decision: Chinese text, one page, stored with their SHA-256."""

import hashlib
import io

import pytest
from pypdf import PdfReader

from cases.documents.rendering import document_verify
from cases.models import GeneratedDocument
from cases.supervision.services import cases as supervision
from tests.supervision import steps

pytestmark = pytest.mark.django_db


def _pdf(case, kind):
    document = GeneratedDocument.objects.get(kind=kind, object_id=str(case.pk))
    data = document.file.read()
    assert hashlib.sha256(data).hexdigest() == document.sha256 and document_verify(document)
    return PdfReader(io.BytesIO(data))


def test_rectification_notice(case, supervisor, inspectors):
    steps.to_rectifying(case, supervisor, inspectors)
    reader = _pdf(case, "rectification_notice")
    text = reader.pages[0].extract_text()
    order = case.orders.get()
    assert len(reader.pages) == 1
    for expected in ("整改通知书", case.filing.organisation.name, "补充考评员", "完善档案", "考评员不足", case.number):
        assert expected in text.replace("\n", ""), expected
    assert f"{order.deadline.year}年{order.deadline.month}月{order.deadline.day}日" in text


@pytest.mark.parametrize("measure, words", [("suspend_scope", ["暂停", "焊工"]), ("revoke", ["撤销", "两年内"])])
def test_sanction_decision(case, supervisor, inspectors, filing, measure, words):
    steps.to_sanctioning(case, supervisor, inspectors)
    welder = filing.scope.get(occupation__code="6-18-02-04")
    supervision.case_sanction(case=case, actor=supervisor, measure=measure, reasons="出具虚假证书", scopes=[welder])
    reader = _pdf(case, "sanction_decision")
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert len(reader.pages) == 1
    for expected in ("处理决定书", filing.organisation.name, "出具虚假证书", "行政复议", *words):
        assert expected in text, expected
