"""The pages: object-level access (another organisation's ids are 404), the body's import and submit through
the views, progress and problem reports, the review task pages, statistics; query counts at two sizes."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.certificates.services import batches as services
from cases.models import BatchState, ResultImport
from tests.certificates.conftest import good_rows, imported_batch, make_plan, results_csv
from tests.factories import UserFactory
from workflow import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(filing, applicant):
    return imported_batch(make_plan(filing, applicant), applicant, good_rows(3))


@pytest.fixture
def registered(batch, applicant, reviewer):
    services.result_batch_submit(batch=batch, actor=applicant)
    return services.result_batch_approve(batch=batch, actor=reviewer)


def _urls(batch):
    job = batch.imports.first()
    return [
        reverse("certificates:plan_detail", args=[batch.plan_id]),
        reverse("certificates:batch_detail", args=[batch.pk]),
        reverse("certificates:batch_template", args=[batch.pk, "xlsx"]),
        reverse("certificates:import_progress", args=[batch.pk, job.pk]),
        reverse("certificates:import_problems", args=[batch.pk, job.pk]),
    ]


def test_anonymous_users_are_sent_to_log_in(client, batch):
    for url in _urls(batch):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_another_organisation_gets_404_for_every_object(client, batch, other_body, registered):
    _organisation, stranger = other_body
    client.force_login(stranger)
    certificate = registered.certificates.first()
    urls = [
        *_urls(batch),
        reverse("certificates:certificate_detail", args=[certificate.pk]),
        reverse("certificates:certificate_pdf", args=[certificate.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("certificates:batch_import", args=[batch.pk]),
        reverse("certificates:batch_submit", args=[batch.pk]),
        reverse("certificates:export_start", args=[batch.pk]),
        reverse("certificates:certificate_revoke", args=[certificate.pk]),
    ):
        assert client.post(url).status_code == 404, url


def test_regulators_read_but_cannot_act_for_the_body(client, batch, approver):
    client.force_login(approver)
    assert client.get(reverse("certificates:batch_detail", args=[batch.pk])).status_code == 200
    assert client.post(reverse("certificates:batch_submit", args=[batch.pk])).status_code == 404


def test_the_body_imports_sees_progress_and_problems_then_submits(client, filing, applicant):
    client.force_login(applicant)
    plan = make_plan(filing, applicant)
    response = client.post(reverse("certificates:batch_create", args=[plan.pk]))
    batch = plan.batch
    assert response.status_code == 302 and response["Location"].endswith(f"/batches/{batch.pk}/")
    rows = good_rows(3)
    rows[1] = ("", *rows[1][1:])
    upload = SimpleUploadedFile("r.csv", results_csv(rows), content_type="text/csv")
    with TestCaseCallbacks():
        response = client.post(reverse("certificates:batch_import", args=[batch.pk]), {"file": upload})
    assert response.status_code == 302
    job = batch.imports.get()
    progress = client.get(reverse("certificates:import_progress", args=[batch.pk, job.pk])).json()
    assert progress["status"] == ResultImport.Status.FAILED and progress["finished"] and progress["problems"] == 1
    page = client.get(reverse("certificates:batch_detail", args=[batch.pk])).content.decode()
    assert 'data-line="3"' in page and 'data-testid="submit-batch" disabled' in page
    report = client.get(reverse("certificates:import_problems", args=[batch.pk, job.pk]))
    lines = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert lines[1][0] == "3" and len(lines) == 2

    upload = SimpleUploadedFile("r.csv", results_csv(good_rows(3)), content_type="text/csv")
    with TestCaseCallbacks():
        client.post(reverse("certificates:batch_import", args=[batch.pk]), {"file": upload})
    assert client.post(reverse("certificates:batch_submit", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.state == BatchState.SUBMITTED


def test_the_review_task_page_for_the_queue_role_and_404_for_others(
    client, batch, applicant, reviewer, approver, other_body
):
    batch = services.result_batch_submit(batch=batch, actor=applicant)
    task = batch.process.task_set.get(flow_task_type="HUMAN", status="NEW")
    url = reverse("tasks:detail", args=[task.pk])
    assert client.get(reverse("certificate_review:task", args=[task.pk])).status_code == 302  # the old address
    client.force_login(other_body[1])
    assert client.get(url).status_code == 404
    client.force_login(approver)  # reads every batch: the page, without the form
    assert 'data-testid="step-form"' not in client.get(url).content.decode()
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    assert client.post(reverse("tasks:claim", args=[task.pk])).status_code == 302
    response = client.post(url, {"outcome": "return", "corrections": "第2行姓名有误"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == BatchState.RETURNED and batch.return_reasons == ["第2行姓名有误"]


def test_statistics_need_the_permission_and_export_csv(client, registered, applicant, reviewer):
    client.force_login(applicant)
    assert client.get(reverse("certificate_review:statistics")).status_code == 403
    client.force_login(reviewer)
    page = client.get(reverse("certificate_review:statistics"))
    assert page.status_code == 200 and b"<svg" in page.content
    export = client.get(reverse("certificate_review:statistics_csv"))
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][:5] == ["total", "", "", "3", "0"]
    assert ["level", "4"] == rows[[r[0] for r in rows].index("level")][:2]


def test_certificate_search_by_id_number_matches_the_hash(client, registered, reviewer):
    client.force_login(reviewer)
    from tests.certificates.conftest import id_number

    response = client.post(reverse("certificates:certificate_list"), {"q": id_number(1)}, follow=True)
    assert [c.holder_name for c in response.context["page"]] == ["学员1"]
    assert id_number(1) not in response.redirect_chain[0][0] and id_number(1) not in response.content.decode()
    assert services.mask_id_number(id_number(1)) in response.content.decode()


@pytest.mark.parametrize("url_name", ["certificates:batch_list", "certificates:certificate_list", "certificates:index"])
def test_list_pages_keep_their_query_count_as_rows_grow(
    client, filing, applicant, reviewer, url_name, django_assert_max_num_queries
):
    def register(start):
        batch = imported_batch(make_plan(filing, applicant), applicant, good_rows(3, start=start))
        services.result_batch_submit(batch=batch, actor=applicant)
        services.result_batch_approve(batch=batch, actor=reviewer)

    client.force_login(reviewer)
    register(0)
    with django_assert_max_num_queries(14) as small:
        assert client.get(reverse(url_name)).status_code == 200
    for n in range(1, 6):
        register(n * 100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200


def test_the_review_queue_keeps_its_query_count(client, filing, applicant, reviewer, django_assert_max_num_queries):
    def submit(start):
        batch = imported_batch(make_plan(filing, applicant), applicant, good_rows(2, start=start))
        services.result_batch_submit(batch=batch, actor=applicant)

    client.force_login(reviewer)
    submit(0)
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("tasks:queue"), {"kind": "batch"})
    for n in range(1, 6):
        submit(n * 100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("tasks:queue"), {"kind": "batch"})
    assert len(response.context["page"]) == 6


def test_an_outsider_sees_no_certificate_area(client, batch):
    outsider = UserFactory(username="t-nobody", roles=[roles.INSPECTOR])
    client.force_login(outsider)
    assert client.get(reverse("certificates:batch_detail", args=[batch.pk])).status_code in (403, 404)


class TestCaseCallbacks:
    """Run on-commit callbacks (the import job) at the end of the block, as a real commit would."""

    def __enter__(self):
        from django.test import TestCase

        self._context = TestCase.captureOnCommitCallbacks(execute=True)
        return self._context.__enter__()

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)
