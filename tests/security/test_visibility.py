"""Each role sees only what its role may see: batch timelines, registry pages; auditors write nothing."""

import pytest
from django.test import TestCase
from django.urls import reverse

from audits.services import audit_record
from cases.certificates.services import batches as services
from cases.models import CertificateExport, SupervisionCase
from cases.supervision.services import cases as supervision
from tests.certificates.conftest import good_rows, imported_batch, make_plan
from tests.certificates.conftest import make_filing as make_body_filing
from tests.factories import UserFactory
from workflow import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert_occupation(db):
    from cases.common.demo import OCCUPATIONS_SAMPLE
    from cases.common.reference import occupations_import_csv
    from cases.models import Occupation

    occupations_import_csv(text=OCCUPATIONS_SAMPLE.read_text(encoding="utf-8"))
    return Occupation.objects.get(code="6-18-02-04", trade="")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="t-reviewer", first_name="钱审核", roles=[roles.SUPERVISOR])


@pytest.fixture
def registered(applicant, organisation, cert_occupation, reviewer, settings):
    settings.BACKGROUND_JOBS = "inline"
    body_filing = make_body_filing(organisation=organisation, applicant=applicant, occupation=cert_occupation)
    batch = imported_batch(make_plan(body_filing, applicant), applicant, good_rows(2))
    services.result_batch_submit(batch=batch, actor=applicant)
    return services.result_batch_approve(batch=batch, actor=reviewer)


def test_the_auditor_cannot_start_a_certificate_export(client, registered, auditor):
    client.force_login(auditor)
    url = reverse("certificates:export_start", args=[registered.pk])
    assert client.get(reverse("certificates:batch_detail", args=[registered.pk])).status_code == 200  # reads
    response = client.post(url)
    assert response.status_code == 403
    assert not CertificateExport.objects.filter(batch=registered).exists()


def test_the_body_and_the_regulator_still_start_exports(client, registered, applicant, reviewer):
    url = reverse("certificates:export_start", args=[registered.pk])
    for user in (applicant, reviewer):
        client.force_login(user)
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert client.post(url).status_code == 302
    assert CertificateExport.objects.filter(batch=registered).count() >= 1


def test_the_bodys_timeline_hides_the_bureaus_downloads_and_staff_names(client, registered, applicant, reviewer):
    audit_record(actor=reviewer, action="document.downloaded", obj=registered, data={"kind": "certificates_zip"})
    client.force_login(applicant)
    response = client.get(reverse("certificates:batch_detail", args=[registered.pk]))
    actions = [event.action for event in response.context["timeline"]]
    assert "document.downloaded" not in actions
    assert "resultbatch.submit" in actions and "resultbatch.register" in actions  # its own step, the decision
    body = response.content.decode()
    assert "钱审核" not in body and reviewer.username not in body

    client.force_login(reviewer)
    response = client.get(reverse("certificates:batch_detail", args=[registered.pk]))
    assert "document.downloaded" in [event.action for event in response.context["timeline"]]


def test_the_bodys_own_download_stays_in_its_timeline(client, registered, applicant):
    audit_record(actor=applicant, action="document.downloaded", obj=registered, data={"kind": "certificates_zip"})
    client.force_login(applicant)
    response = client.get(reverse("certificates:batch_detail", args=[registered.pk]))
    assert "document.downloaded" in [event.action for event in response.context["timeline"]]


@pytest.fixture
def supervised(filing, supervisor):
    return supervision.case_open(
        filing=filing, trigger=SupervisionCase.Trigger.OTHER, summary="投诉线索核查", actor=supervisor
    )


def test_a_clerk_sees_no_supervision_cases_on_the_registry_page(client, filing, supervised, clerk):
    client.force_login(clerk)
    assert client.get(reverse("supervision:case", args=[supervised.pk])).status_code in (403, 404)
    response = client.get(reverse("registry:filing", args=[filing.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert supervised.number not in body
    assert "state--opened" not in body
    assert reverse("supervision:case", args=[supervised.pk]) not in body


def test_the_supervisor_and_chief_see_them(client, filing, supervised, supervisor, chief):
    for user in (supervisor, chief):
        client.force_login(user)
        response = client.get(reverse("registry:filing", args=[filing.pk]))
        assert supervised.number in response.content.decode()


def test_the_auditor_is_refused_an_export_by_the_service_and_offered_none_on_the_page(client, auditor):
    from django.core.exceptions import PermissionDenied

    from cases.certificates.services import documents

    with pytest.raises(PermissionDenied):
        documents.certificate_export_start(batch=None, actor=auditor)
