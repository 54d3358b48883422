"""A step's transaction only numbers its document: the PDF is laid out and signed after the commit, by a job that
renders it once, however often it runs."""

import random

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from cases.applications import services as apply
from cases.applications.simulation import complete_draft
from cases.models import FilingApplication, GeneratedDocument
from tests.documents.conftest import stored_bytes
from tests.factories import OccupationFactory
from workflow import background
from workflow.models import JobFailure

K = GeneratedDocument.Kind


def _pdfs(media_root) -> list:
    return sorted((media_root / "documents").rglob("*.pdf")) if (media_root / "documents").exists() else []


def _notice(application) -> GeneratedDocument:
    content_type = ContentType.objects.get_for_model(FilingApplication)
    return GeneratedDocument.objects.get(
        content_type=content_type, object_id=str(application.pk), kind=K.ACCEPTANCE_NOTICE
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_acceptance_renders_after_its_commit_and_the_job_renders_once(media_root, applicant, organisation, clerk):
    draft = complete_draft(
        applicant=applicant, organisation=organisation, occupation=OccupationFactory(), rng=random.Random(7)
    )
    apply.application_submit(application=draft, actor=applicant)  # commits; its receipt renders after
    before = _pdfs(media_root)
    assert len(before) == 1  # the receipt

    with transaction.atomic():  # the step's transaction, still open
        apply.application_accept(application=draft, actor=clerk)
        notice = _notice(draft)
        assert notice.number and notice.html and not notice.is_rendered and not notice.file
        assert _pdfs(media_root) == before  # nothing laid out or signed while the locks are held

    notice.refresh_from_db()
    assert notice.is_rendered and notice.html == ""
    assert len(_pdfs(media_root)) == 2
    first_file, first_rendered_at, pdf = notice.file.name, notice.rendered_at, stored_bytes(notice)

    background.enqueue("cases.document_render", notice.pk)  # the job delivered a second time
    notice.refresh_from_db()
    assert (notice.file.name, notice.rendered_at) == (first_file, first_rendered_at)
    assert stored_bytes(notice) == pdf and len(_pdfs(media_root)) == 2
    assert not JobFailure.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_step_that_fails_after_issuing_leaves_no_document_and_renders_nothing(
    media_root, applicant, organisation, clerk
):
    draft = complete_draft(
        applicant=applicant, organisation=organisation, occupation=OccupationFactory(), rng=random.Random(8)
    )
    apply.application_submit(application=draft, actor=applicant)
    before = _pdfs(media_root)

    with pytest.raises(RuntimeError), transaction.atomic():
        apply.application_accept(application=draft, actor=clerk)
        raise RuntimeError("the step's transaction rolls back after the notice was issued")

    assert not GeneratedDocument.objects.filter(kind=K.ACCEPTANCE_NOTICE).exists()
    assert _pdfs(media_root) == before
    assert FilingApplication.objects.get(pk=draft.pk).state == "submitted"
