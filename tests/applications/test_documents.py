"""The applicant's papers: a receipt for every submission, the case's documents listed with their numbers, downloads
named by title and number and rendered on demand when their job has not run, a timeline without the bureau's names."""

from urllib.parse import quote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditEvent
from cases.applications import services as apply
from cases.models import FilingApplication, GeneratedDocument
from tests.documents.conftest import pdf_text, stored_bytes
from workflow import roles

pytestmark = pytest.mark.django_db
K = GeneratedDocument.Kind


def _documents(application, kind):
    content_type = ContentType.objects.get_for_model(FilingApplication)
    return GeneratedDocument.objects.filter(content_type=content_type, object_id=str(application.pk), kind=kind)


def _receipt_number(seq: int) -> str:
    return f"京人社技备收字〔{timezone.localdate().year}〕第{seq:05d}号"


def _return_and_answer(application, applicant, clerk):
    apply.application_return(application=application, actor=clerk, deficiencies=["营业执照不清晰"])
    for deficiency in application.deficiencies.filter(status="open"):
        apply.deficiency_answer(deficiency=deficiency, actor=applicant, reply="已重新上传")


def test_every_submission_and_resubmission_issues_a_receipt(
    draft, applicant, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        apply.application_submit(application=draft, actor=applicant)
    first = _documents(draft, K.SUBMISSION_RECEIPT).get()
    assert first.title == "提交回执" and first.number == _receipt_number(1) and first.is_rendered
    assert first.public and first.created_by == applicant
    text = pdf_text(stored_bytes(first))
    assert "提交的职业技能等级认定机构备案申请材料" in text and "重新提交" not in text

    _return_and_answer(draft, applicant, clerk)
    with django_capture_on_commit_callbacks(execute=True):
        apply.application_submit(application=draft, actor=applicant)
    second = _documents(draft, K.SUBMISSION_RECEIPT).exclude(pk=first.pk).get()
    assert second.number == _receipt_number(2) and second.is_rendered
    assert "补正后第1次重新提交" in pdf_text(stored_bytes(second))


def test_a_refused_submission_issues_no_receipt_and_uses_no_number(
    applicant, organisation, draft, django_capture_on_commit_callbacks
):
    empty = apply.application_create(organisation=organisation, actor=applicant)
    with pytest.raises(ValidationError):
        apply.application_submit(application=empty, actor=applicant)
    assert not _documents(empty, K.SUBMISSION_RECEIPT).exists()
    with django_capture_on_commit_callbacks(execute=True):
        apply.application_submit(application=draft, actor=applicant)
    assert _documents(draft, K.SUBMISSION_RECEIPT).get().number == _receipt_number(1)


def test_the_case_page_lists_each_document_with_number_title_date_and_hash(
    client, draft, applicant, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        apply.application_submit(application=draft, actor=applicant)
        apply.application_accept(application=draft, actor=clerk)
    for user in (applicant, clerk):
        client.force_login(user)
        body = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
        assert 'data-testid="document-list"' in body
        for document in GeneratedDocument.objects.filter(object_id=str(draft.pk)):
            assert f'data-testid="doc-row-{document.kind}"' in body
            url = reverse("applications:document", args=[draft.pk, document.pk])
            assert document.number in body and document.title in body and document.sha256[:16] in body
            assert f'href="{url}"' in body
            assert timezone.localtime(document.created_at).strftime("%Y-%m-%d %H:%M") in body


def test_the_download_is_named_by_the_title_and_number_and_audited(
    client, draft, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        apply.application_submit(application=draft, actor=applicant)
    receipt = _documents(draft, K.SUBMISSION_RECEIPT).get()
    client.force_login(applicant)
    response = client.get(reverse("applications:document", args=[draft.pk, receipt.pk]))
    assert response.status_code == 200
    assert receipt.download_name == f"提交回执（{receipt.number}）.pdf"
    assert f"filename*=utf-8''{quote(receipt.download_name)}" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == stored_bytes(receipt)
    event = AuditEvent.objects.get(action="document.downloaded", object_id=str(draft.pk))
    assert event.actor == applicant and event.data["name"] == receipt.download_name
    assert event.data["number"] == receipt.number and event.data["sha256"] == receipt.sha256


def test_a_document_whose_job_has_not_run_is_rendered_on_download(client, draft, applicant):
    # No on-commit callbacks run here: as if the rendering job were slow, or had failed.
    apply.application_submit(application=draft, actor=applicant)
    receipt = _documents(draft, K.SUBMISSION_RECEIPT).get()
    assert not receipt.is_rendered and not receipt.file
    client.force_login(applicant)
    page = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert receipt.number in page  # listed while it is being prepared

    response = client.get(reverse("applications:document", args=[draft.pk, receipt.pk]))
    pdf = b"".join(response.streaming_content)
    receipt.refresh_from_db()
    assert response.status_code == 200 and pdf.startswith(b"%PDF-") and receipt.is_rendered
    assert pdf == stored_bytes(receipt) and receipt.size == len(pdf)
    assert receipt.number in pdf_text(pdf)


def test_another_applicant_cannot_download_the_receipt(client, draft, applicant, django_capture_on_commit_callbacks):
    from tests.factories import OrganisationFactory, UserFactory

    with django_capture_on_commit_callbacks(execute=True):
        apply.application_submit(application=draft, actor=applicant)
    receipt = _documents(draft, K.SUBMISSION_RECEIPT).get()
    stranger = UserFactory(username="t-stranger", roles=[roles.APPLICANT])
    OrganisationFactory(name="另一家公司", members=[stranger])
    client.force_login(stranger)
    assert client.get(reverse("applications:document", args=[draft.pk, receipt.pk])).status_code == 404


def _timeline_actors(response) -> str:
    return "".join(event.actor_display for event in response.context["timeline"])


def test_the_applicants_timeline_does_not_name_the_bureaus_staff(client, draft, applicant, clerk):
    apply.application_submit(application=draft, actor=applicant)
    _return_and_answer(draft, applicant, clerk)
    clerk_name = clerk.get_full_name()
    assert clerk_name

    client.force_login(applicant)
    response = client.get(reverse("applications:detail", args=[draft.pk]))
    actions = [event.action for event in response.context["timeline"]]
    assert "application.return_for_supplement" in actions  # the clerk's step is there, unnamed
    assert clerk_name not in _timeline_actors(response) and clerk_name not in response.content.decode()
    assert applicant.get_full_name() in _timeline_actors(response)

    client.force_login(clerk)
    assert clerk_name in _timeline_actors(client.get(reverse("applications:detail", args=[draft.pk])))


def test_a_member_holding_a_bureau_role_too_reads_the_applicants_timeline(client, draft, applicant, clerk):
    from django.contrib.auth.models import Group

    apply.application_submit(application=draft, actor=applicant)
    _return_and_answer(draft, applicant, clerk)
    applicant.groups.add(Group.objects.get(name=roles.AUDITOR))
    client.force_login(applicant)
    response = client.get(reverse("applications:detail", args=[draft.pk]))
    assert clerk.get_full_name() not in _timeline_actors(response)
