import hashlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cases.documents.rendering import document_create, document_verify
from cases.models.documents import GeneratedDocument
from tests.documents.samples import sample_contexts

pytestmark = pytest.mark.django_db


@pytest.fixture
def acceptance_notice(media_root, organisation, clerk):
    return document_create(
        kind=GeneratedDocument.Kind.ACCEPTANCE_NOTICE,
        target=organisation,
        template_name="documents/acceptance_notice.html",
        context=sample_contexts()["documents/acceptance_notice.html"],
        actor=clerk,
        title="受理通知书",
    )


def test_document_create_stores_the_pdf_with_its_sha256(acceptance_notice, media_root, organisation, clerk):
    doc = GeneratedDocument.objects.get(pk=acceptance_notice.pk)

    stored = (media_root / doc.file.name).read_bytes()
    assert stored.startswith(b"%PDF-")
    assert doc.sha256 == hashlib.sha256(stored).hexdigest()
    assert doc.size == len(stored)
    assert doc.file.name.startswith(timezone.now().strftime("documents/%Y/%m/"))
    assert doc.sha256[:12] in doc.file.name
    assert doc.kind == "acceptance_notice"
    assert doc.title == "受理通知书"
    assert doc.public is True
    assert doc.created_by == clerk
    assert doc.created_at is not None


def test_document_is_attached_to_its_target(acceptance_notice, organisation):
    doc = GeneratedDocument.objects.get(pk=acceptance_notice.pk)

    assert doc.target == organisation
    assert list(
        GeneratedDocument.objects.filter(
            content_type=ContentType.objects.get_for_model(organisation), object_id=str(organisation.pk)
        )
    ) == [doc]


def test_internal_documents_are_not_public(media_root, organisation, clerk):
    doc = document_create(
        kind=GeneratedDocument.Kind.ASSESSMENT_REPORT,
        target=organisation,
        template_name="documents/assessment_report.html",
        context=sample_contexts()["documents/assessment_report.html"],
        actor=clerk,
        title="专业评估报告",
        public=False,
    )

    assert GeneratedDocument.objects.get(pk=doc.pk).public is False


def test_document_verify_accepts_the_untouched_file(acceptance_notice):
    assert document_verify(acceptance_notice) is True


def test_document_verify_detects_a_changed_file(acceptance_notice, media_root):
    path = media_root / acceptance_notice.file.name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    assert document_verify(acceptance_notice) is False


def test_document_verify_reports_a_missing_file(acceptance_notice, media_root):
    (media_root / acceptance_notice.file.name).unlink()

    assert document_verify(acceptance_notice) is False
