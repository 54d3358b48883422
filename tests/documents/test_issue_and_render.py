"""Issue inside the transaction (number, frozen content), render after it (signed file): gap-free and idempotent."""

import random
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from cases.applications.simulation import complete_draft
from cases.documents import services
from cases.documents.rendering import document_issue, document_render
from cases.models.documents import GeneratedDocument
from tests.documents.conftest import pdf_text, stored_bytes
from tests.documents.samples import sample_contexts
from tests.factories import OccupationFactory, OrganisationFactory

K = GeneratedDocument.Kind
CONTEXT = sample_contexts()["documents/rejection_notice.html"]


def issue(target, actor=None, kind=K.REJECTION_NOTICE):
    return document_issue(
        kind=kind, target=target, template_name="documents/rejection_notice.html", context=CONTEXT, actor=actor
    )


@pytest.mark.django_db
def test_issue_numbers_the_document_and_freezes_its_content_without_rendering(media_root, organisation):
    document = issue(organisation)

    year = timezone.localdate().year
    assert document.number == f"京人社技备不字〔{year}〕第00001号"
    assert document.title == "不予受理通知书"
    assert document.number in document.html and "申请单位成立不满一年" in document.html
    assert not document.is_rendered and not document.file and document.sha256 == ""


@pytest.mark.django_db
def test_render_signs_and_stores_the_pdf_with_the_number_on_it(media_root, organisation):
    document = document_render(issue(organisation).pk)

    pdf = stored_bytes(document)
    assert document.is_rendered and document.html == ""
    assert document.size == len(pdf) and document.sha256
    text = pdf_text(pdf)
    assert document.number in text and "不予受理通知书" in text
    assert "-rejection_notice" not in text  # no English slug in the header any more
    assert document.download_name == f"不予受理通知书（{document.number}）.pdf"


@pytest.mark.django_db
def test_render_twice_keeps_the_first_file(media_root, organisation):
    document = issue(organisation)
    first = document_render(document.pk)
    second = document_render(document.pk)

    assert second.file.name == first.file.name and second.sha256 == first.sha256
    assert len(list((media_root / "documents").rglob("*.pdf"))) == 1


@pytest.mark.django_db
def test_numbers_count_per_kind_and_year_from_the_settings_pattern(settings, media_root, organisation):
    settings.DOCUMENT_NUMBER_PATTERNS = {**settings.DOCUMENT_NUMBER_PATTERNS, "decision": "沪人社决〔{year}〕{seq}号"}
    year = timezone.localdate().year

    numbers = [issue(organisation).number, issue(organisation).number, issue(organisation, kind=K.DECISION).number]

    assert numbers == [
        f"京人社技备不字〔{year}〕第00001号",
        f"京人社技备不字〔{year}〕第00002号",
        f"沪人社决〔{year}〕1号",
    ]


@pytest.mark.django_db
def test_a_rolled_back_issue_gives_its_number_back(media_root, organisation):
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(organisation)
        raise RuntimeError("the issuing service failed after the document was numbered")

    assert issue(organisation).number.endswith("第00001号")
    assert GeneratedDocument.objects.count() == 1


@pytest.fixture
def committed_organisation(db):
    """An organisation committed for the threads of a transactional test (its rows are flushed afterwards, and the
    migrated reference data is restored by the serialized rollback)."""
    return OrganisationFactory()


@pytest.fixture
def draft(applicant, organisation):
    return complete_draft(
        applicant=applicant, organisation=organisation, occupation=OccupationFactory(), rng=random.Random(1)
    )


@pytest.mark.django_db
def test_deferred_issue_renders_after_commit(media_root, draft, settings, django_capture_on_commit_callbacks):
    settings.BACKGROUND_JOBS = "inline"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = services.supplement_notice(application=draft, actor=None, deficiencies=["缺少承诺书"], defer=True)

    assert document.number and not GeneratedDocument.objects.get(pk=document.pk).is_rendered
    for callback in callbacks:
        callback()
    assert GeneratedDocument.objects.get(pk=document.pk).is_rendered


@pytest.mark.django_db
def test_the_submission_receipt_lists_what_was_received(media_root, draft, applicant):
    draft.submitted_at = timezone.now()

    receipt = services.submission_receipt(application=draft, actor=applicant)

    assert receipt.kind == K.SUBMISSION_RECEIPT and receipt.title == "提交回执"
    assert receipt.number.startswith(f"京人社技备收字〔{timezone.localdate().year}〕")
    text = pdf_text(stored_bytes(receipt))
    assert "提交回执" in text and draft.number in text and receipt.number in text
    for attachment in draft.attachments.all():
        assert attachment.original_name.replace(" ", "") in text
    assert "不代表申请已被受理" in text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_renders_store_one_file(media_root, committed_organisation):
    organisation = committed_organisation
    document = issue(organisation)
    results, errors = [], []

    def render():
        try:
            results.append(document_render(document.pk))
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    stored = GeneratedDocument.objects.get(pk=document.pk)
    assert {result.file.name for result in results} == {stored.file.name}
    assert [p.name for p in (media_root / "documents").rglob("*.pdf")] == [stored.file.name.rsplit("/", 1)[1]]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issues_take_consecutive_numbers(media_root, committed_organisation):
    organisation = committed_organisation
    """Each issuing transaction holds the counter row until it commits: no gaps, no duplicates."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL's row locks; SQLite refuses the second writer")
    barrier, numbers, errors = threading.Barrier(4), [], []

    def issue_one():
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(issue(organisation).number)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sorted(numbers) == [f"京人社技备不字〔{timezone.localdate().year}〕第{n:05d}号" for n in range(1, 5)]
