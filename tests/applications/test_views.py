"""Pages: object-level access, forms keeping input, task inboxes with constant queries."""

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.applications import services as apply
from cases.applications.simulation import complete_draft
from cases.models import ApplicationState as S
from tests.factories import OrganisationFactory, UserFactory
from workflow import roles
from workflow.selectors import inbox_for, queue_for

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, draft):
    response = client.get(reverse("applications:detail", args=[draft.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_applicant_sees_own_application_and_its_guidance(client, applicant, draft):
    client.force_login(applicant)
    response = client.get(reverse("applications:detail", args=[draft.pk]))
    assert response.status_code == 200
    assert 'data-testid="guidance"' in response.content.decode()


def test_another_organisations_application_is_404(client, draft):
    stranger = UserFactory(username="stranger", roles=[roles.APPLICANT])
    OrganisationFactory(name="另一家公司", members=[stranger])
    client.force_login(stranger)
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404
    response = client.post(reverse("applications:submit", args=[draft.pk]))
    assert response.status_code == 404


def test_inspector_not_on_the_team_gets_404(client, draft, inspector):
    client.force_login(inspector)
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404


def test_clerk_reads_every_case(client, draft, clerk):
    client.force_login(clerk)
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 200


def test_invalid_roster_entry_keeps_what_was_typed_and_explains(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(
        reverse("applications:roster_add", args=[draft.pk]),
        {"role": "examiner", "name": "王小明", "id_number": "110101199001011234", "occupation": ""},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "王小明" in body
    assert "身份证" in body or "resident ID" in body


def test_upload_is_checked_by_content(client, applicant, draft):
    client.force_login(applicant)
    fake = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("applications:attachment_add", args=[draft.pk]), {"kind": "other", "file": fake})
    assert response.status_code == 200
    assert not draft.attachments.filter(kind="other").exists()


def test_submit_from_the_page_then_second_submit_is_harmless(client, applicant, draft):
    client.force_login(applicant)
    client.post(reverse("applications:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED
    response = client.post(reverse("applications:submit", args=[draft.pk]), follow=True)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED


def test_clerk_completes_review_from_the_task_page(client, applicant, draft, clerk):
    apply.application_submit(application=draft, actor=applicant)
    client.force_login(clerk)
    task = queue_for(user=clerk).get().task
    assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 200
    client.post(reverse("tasks:claim", args=[task.pk]))
    response = client.post(reverse("tasks:detail", args=[task.pk]), {"outcome": "accept"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == S.ACCEPTED


def test_a_second_completion_of_the_same_task_gets_a_message_not_an_error(client, applicant, draft, clerk):
    apply.application_submit(application=draft, actor=applicant)
    client.force_login(clerk)
    task = queue_for(user=clerk).get().task
    client.post(reverse("tasks:claim", args=[task.pk]))
    client.post(reverse("tasks:detail", args=[task.pk]), {"outcome": "accept"})
    response = client.post(reverse("tasks:detail", args=[task.pk]), {"outcome": "accept"})
    assert response.status_code == 200


def test_task_of_another_role_is_404_and_read_only_for_case_readers(client, applicant, draft, approver, expert):
    apply.application_submit(application=draft, actor=applicant)
    task = queue_for(user=UserFactory(username="c2", roles=[roles.CLERK])).get().task
    client.force_login(expert)
    assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 404
    client.force_login(approver)  # reads every case, so its tasks too, but acts on none of another role
    page = client.get(reverse("tasks:detail", args=[task.pk]))
    assert page.status_code == 200 and 'data-testid="step-form"' not in page.content.decode()
    assert 'data-testid="claim"' not in page.content.decode()
    client.post(reverse("tasks:detail", args=[task.pk]), {"outcome": "accept"})
    task.refresh_from_db()
    assert task.status == "NEW"


def _fill(n, organisation, applicant, occupation):
    rng = random.Random(n)
    for _ in range(n):
        application = complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=rng)
        apply.application_submit(application=application, actor=applicant)


@pytest.mark.parametrize("size", [3, 12])
def test_queue_and_inbox_pages_use_constant_queries(
    client, django_assert_max_num_queries, size, applicant, organisation, occupation, clerk
):
    _fill(size, organisation, applicant, occupation)
    client.force_login(clerk)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("tasks:queue"))
    assert response.content.decode().count("data-task=") == size
    with django_assert_max_num_queries(14):
        client.get(reverse("tasks:inbox"))
    with django_assert_max_num_queries(14):
        client.get(reverse("applications:index"))


def test_queue_filters_by_step_and_district(applicant, draft, clerk):
    apply.application_submit(application=draft, actor=applicant)
    district = draft.organisation.district.code
    assert queue_for(user=clerk, step="review", district=district).count() == 1
    assert queue_for(user=clerk, step="decide").count() == 0
    assert queue_for(user=clerk, district="110119" if district != "110119" else "110101").count() == 0
    assert inbox_for(user=clerk).count() == 0
    assert timezone.now()
