"""Public verification: valid / revoked / not found and nothing else, rate-limited per address."""

import re

import pytest
from django.core.cache import cache

from cases.certificates.services import batches as services
from cases.certificates.services import revocation
from tests.certificates.conftest import good_rows, imported_batch, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    cache.clear()
    settings.VERIFY_RATE_LIMIT = 5
    settings.VERIFY_RATE_WINDOW = 600


@pytest.fixture
def certificates(filing, applicant, reviewer):
    batch = imported_batch(make_plan(filing, applicant), applicant, good_rows(2))
    services.result_batch_submit(batch=batch, actor=applicant)
    services.result_batch_approve(batch=batch, actor=reviewer)
    return list(batch.certificates.order_by("number"))


def _lookup(client, number, name, ip="203.0.113.5"):
    return client.post("/verify/", {"number": number, "name": name}, REMOTE_ADDR=ip)


def test_the_form_is_public(client):
    response = client.get("/verify/")
    assert response.status_code == 200 and b"verify-form" in response.content


def test_a_valid_certificate_says_valid_and_nothing_more(client, certificates):
    certificate = certificates[0]
    response = _lookup(client, certificate.number.lower(), f" {certificate.holder_name} ")
    assert response.status_code == 200
    assert response.context["status"] == "valid"
    body = response.content.decode()
    for private in (certificate.organisation.name, certificate.id_masked, "焊工"):
        assert private not in body


def test_a_revoked_certificate_says_revoked(client, certificates, applicant):
    revocation.certificate_revoke(certificate=certificates[0], actor=applicant, reason="作弊")
    assert _lookup(client, certificates[0].number, certificates[0].holder_name).context["status"] == "revoked"


def test_a_wrong_name_is_indistinguishable_from_a_missing_number(client, certificates):
    missing_number = "Y000011000001994000001"
    wrong_name = _lookup(client, certificates[0].number, "别人")
    missing = _lookup(client, missing_number, "别人")
    assert wrong_name.context["status"] == missing.context["status"] == "not_found"

    def page(response, number):
        html = response.content.decode().replace(number, "NUMBER")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert page(wrong_name, certificates[0].number) == page(missing, missing_number)


def test_the_qr_link_verifies(client, certificates, applicant):
    certificate = certificates[1]
    response = client.get(f"/verify/c/{certificate.verify_token}/")
    assert response.status_code == 200 and response.context["status"] == "valid"
    revocation.certificate_revoke(certificate=certificate, actor=applicant, reason="作弊")
    assert client.get(f"/verify/c/{certificate.verify_token}/").context["status"] == "revoked"
    assert client.get("/verify/c/not-a-real-token-at-all/").status_code == 404


def test_lookups_are_rate_limited_per_address(client, certificates):
    number, name = certificates[0].number, certificates[0].holder_name
    for _ in range(5):
        assert _lookup(client, number, name).status_code == 200
    limited = _lookup(client, number, name)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "status" not in limited.context
    assert "Too many look-ups" in limited.content.decode() or "查询" in limited.content.decode()
    assert _lookup(client, number, name, ip="198.51.100.7").status_code == 200
    assert client.get(f"/verify/c/{certificates[0].verify_token}/", REMOTE_ADDR="203.0.113.5").status_code == 429


def test_ipv6_clients_share_the_limit_of_their_64(client, certificates):
    number, name = certificates[0].number, certificates[0].holder_name
    for n in range(5):
        _lookup(client, number, name, ip=f"2001:db8::{n + 1}")
    assert _lookup(client, number, name, ip="2001:db8::ffff").status_code == 429
