"""Public verification: valid / revoked / not found, with the occupation, level and issuer of a certificate found
(never the holder's ID number), rate-limited per address."""

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
    return client.post("/verify/", {"number": number, "name": name}, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_the_form_is_public(client):
    response = client.get("/verify/")
    assert response.status_code == 200 and b"verify-form" in response.content


def _facts(response) -> str:
    """The text of the facts block a found certificate shows (occupation, level, issuer), whitespace removed."""
    body = response.content.decode()
    block = re.search(r'<dl class="facts" data-testid="verify-facts">(.*?)</dl>', body, re.S)
    return "".join(re.sub(r"<[^>]+>", " ", block.group(1)).split()) if block else ""


def test_a_valid_certificate_names_occupation_level_and_issuer_and_no_id_number(client, certificates):
    certificate = certificates[0]
    response = _lookup(client, certificate.number.lower(), f" {certificate.holder_name} ")
    assert response.status_code == 200
    assert response.context["status"] == "valid"
    facts = _facts(response)
    for shown in ("6-18-02-04", "焊工", "四级/中级工", certificate.organisation.name):
        assert shown in facts, shown
    body = response.content.decode()
    id_number = good_rows(2)[0][1]
    for private in (certificate.id_masked, id_number):
        assert private not in body, private


def test_a_revoked_certificate_names_the_same_facts(client, certificates, applicant):
    certificate = certificates[0]
    revocation.certificate_revoke(certificate=certificate, actor=applicant, reason="作弊")
    response = client.get(f"/verify/c/{certificate.verify_token}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.context["status"] == "revoked"
    assert certificate.organisation.name in _facts(response) and "焊工" in _facts(response)
    assert certificate.id_masked not in response.content.decode()


def test_a_certificate_not_found_names_nothing(client, certificates):
    certificate = certificates[0]
    response = _lookup(client, certificate.number, "别人")
    assert response.context["status"] == "not_found"
    assert _facts(response) == ""
    body = response.content.decode()
    assert certificate.organisation.name not in body and "焊工" not in body


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
