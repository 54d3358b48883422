"""The rectification notice and the sanction decision: Chinese text, one page, stored with their SHA-256."""

import hashlib
import io
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.documents.rendering import document_verify
from cases.models import GeneratedDocument
from cases.supervision.services import cases as supervision
from tests.documents.conftest import pdf_text, stored_bytes
from tests.supervision import steps

pytestmark = pytest.mark.django_db


def _pdf(case, kind):
    document = GeneratedDocument.objects.get(kind=kind, object_id=str(case.pk))
    data = document.file.read()
    assert hashlib.sha256(data).hexdigest() == document.sha256 and document_verify(document)
    return PdfReader(io.BytesIO(data))


def test_rectification_notice(case, supervisor, inspectors, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        steps.to_rectifying(case, supervisor, inspectors)
    reader = _pdf(case, "rectification_notice")
    text = reader.pages[0].extract_text()
    order = case.orders.get()
    assert len(reader.pages) == 1
    for expected in ("整改通知书", case.filing.organisation.name, "补充考评员", "完善档案", "考评员不足", case.number):
        assert expected in text.replace("\n", ""), expected
    assert f"{order.deadline.year}年{order.deadline.month}月{order.deadline.day}日" in text


@pytest.mark.parametrize("measure, words", [("suspend_scope", ["暂停", "焊工"]), ("revoke", ["撤销", "两年内"])])
def test_sanction_decision(case, supervisor, inspectors, filing, measure, words, django_capture_on_commit_callbacks):
    steps.to_sanctioning(case, supervisor, inspectors)
    welder = filing.scope.get(occupation__code="6-18-02-04")
    with django_capture_on_commit_callbacks(execute=True):
        supervision.case_sanction(case=case, actor=supervisor, measure=measure, reasons="出具虚假证书", scopes=[welder])
    reader = _pdf(case, "sanction_decision")
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert len(reader.pages) == 1
    for expected in ("处理决定书", filing.organisation.name, "出具虚假证书", "行政复议", *words):
        assert expected in text, expected


def _numbered(document, kind_pattern: str) -> None:
    assert document.number == f"{kind_pattern}〔{timezone.localdate().year}〕第00001号"


def test_the_notice_and_decision_are_numbered_and_titled_as_documents(
    case, supervisor, inspectors, filing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        steps.to_rectifying(case, supervisor, inspectors)
    notice = GeneratedDocument.objects.get(kind="rectification_notice", object_id=str(case.pk))
    assert notice.title == "整改通知书"
    _numbered(notice, "京人社技监改字")
    assert notice.number in pdf_text(stored_bytes(notice))


def test_the_order_renders_nothing_before_its_commit(case, supervisor, inspectors, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        steps.to_rectifying(case, supervisor, inspectors)
        notice = GeneratedDocument.objects.get(kind="rectification_notice", object_id=str(case.pk))
        assert not notice.is_rendered and not notice.file and notice.html  # numbered, content frozen
    notice.refresh_from_db()
    assert notice.is_rendered and document_verify(notice)


def _pages_list(body: str, case, url_name: str) -> None:
    assert 'data-testid="document-list"' in body
    for document in GeneratedDocument.objects.filter(object_id=str(case.pk)):
        assert document.number in body and document.title in body and document.sha256[:16] in body
        assert f'href="{reverse(url_name, args=[case.pk, document.pk])}"' in body


def test_the_case_pages_list_the_documents(
    client, case, supervisor, inspectors, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        steps.to_rectifying(case, supervisor, inspectors)
    client.force_login(supervisor)
    _pages_list(client.get(reverse("supervision:case", args=[case.pk])).content.decode(), case, "supervision:document")
    client.force_login(applicant)
    _pages_list(client.get(reverse("body:case", args=[case.pk])).content.decode(), case, "body:document")


@pytest.mark.parametrize("who, url_name", [("supervisor", "supervision:document"), ("applicant", "body:document")])
def test_a_download_renders_a_document_whose_job_has_not_run_and_names_it(
    client, case, supervisor, inspectors, applicant, who, url_name
):
    steps.to_rectifying(case, supervisor, inspectors)  # no on-commit callbacks run: the job is late, or failed
    notice = GeneratedDocument.objects.get(kind="rectification_notice", object_id=str(case.pk))
    assert not notice.is_rendered
    client.force_login({"supervisor": supervisor, "applicant": applicant}[who])
    response = client.get(reverse(url_name, args=[case.pk, notice.pk]))
    pdf = b"".join(response.streaming_content)
    notice.refresh_from_db()
    assert response.status_code == 200 and pdf.startswith(b"%PDF-") and notice.is_rendered
    assert hashlib.sha256(pdf).hexdigest() == notice.sha256
    assert f"filename*=utf-8''{quote(notice.download_name)}" in response["Content-Disposition"]
    assert notice.download_name == f"整改通知书（{notice.number}）.pdf"


def test_another_body_cannot_download_the_notice(client, case, supervisor, inspectors):
    from tests.factories import OrganisationFactory, UserFactory
    from workflow import roles

    steps.to_rectifying(case, supervisor, inspectors)
    notice = GeneratedDocument.objects.get(kind="rectification_notice", object_id=str(case.pk))
    stranger = UserFactory(username="t-other-body", roles=[roles.APPLICANT])
    OrganisationFactory(name="另一家机构", members=[stranger])
    client.force_login(stranger)
    assert client.get(reverse("body:document", args=[case.pk, notice.pk])).status_code == 404


def test_the_bodys_timeline_does_not_name_the_bureaus_staff(client, case, supervisor, inspectors, applicant):
    steps.to_verifying(case, supervisor, inspectors, applicant)
    staff = [user.get_full_name() for user in (supervisor, *inspectors)]
    client.force_login(applicant)
    response = client.get(reverse("body:case", args=[case.pk]))
    events = response.context["timeline"]
    assert {"supervision.order_rectification", "supervision.respond"} <= {event.action for event in events}
    shown = "".join(event.actor_display for event in events)
    assert applicant.get_full_name() in shown
    for name in staff:
        assert name not in shown and name not in response.content.decode(), name

    client.force_login(supervisor)
    staff_view = client.get(reverse("supervision:case", args=[case.pk])).context["timeline"]
    assert supervisor.get_full_name() in "".join(event.actor_display for event in staff_view)
