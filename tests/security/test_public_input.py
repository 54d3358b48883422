"""Bad input on the public pages is an empty result (or a 400), never a 500."""

import pytest

from cases.registry.selectors import id_or_none

pytestmark = pytest.mark.django_db

HUGE = "9999999999999999999"  # > 2**63 - 1


@pytest.mark.parametrize("url", ["/directory/", "/directory/export.csv", "/directory/export.xlsx"])
@pytest.mark.parametrize("value", [HUGE, str(2**63), "9" * 40, "-1", "1e3", "²", "٣"])
def test_an_impossible_occupation_matches_nothing(client, filing, url, value):
    response = client.get(url, {"occupation": value})
    assert response.status_code == 200
    if url == "/directory/":
        assert response.context["rows"] == []
    elif url.endswith(".csv"):
        lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
        assert len(lines) == 1  # the header only


@pytest.mark.parametrize("url", ["/directory/export.csv", "/directory/export.xlsx", "/directory/"])
def test_a_real_occupation_still_filters(client, filing, url):
    occupation = filing.scope.first().occupation
    assert client.get(url, {"occupation": str(occupation.pk)}).status_code == 200


@pytest.mark.parametrize("name", ["q", "district", "category", "status", "page"])
@pytest.mark.parametrize("value", ["\x00", "a\x00b", "\u202egpj.exe", "'; drop table x; --", "%", "_" * 500])
def test_text_filters_never_fail(client, filing, name, value):
    for url in ("/directory/", "/directory/export.csv", "/directory/export.xlsx"):
        response = client.get(url, {name: value})
        assert response.status_code == 200, (url, name, value)
        b"".join(response.streaming_content) if response.streaming else response.content


def test_the_registry_list_accepts_the_same_values(client, filing, clerk):
    client.force_login(clerk)
    assert client.get("/app/registry/", {"q": "\x00", "district": "\x00"}).status_code == 200


def test_id_or_none_refuses_what_no_database_can_look_up():
    assert id_or_none("17") == 17
    for value in ("", "0", "-3", HUGE, "1.5", "²", None, "x"):
        assert id_or_none(value) is None


@pytest.mark.parametrize(
    "url", ["/directory/", "/directory/export.csv", "/directory/export.xlsx", "/directory/campaigns/"]
)
def test_undecodable_query_strings_never_fail(client, filing, url):
    for query in ("q=%ED%A0%80", "q=%FF%FE", "district=%00", "occupation=%00", "page=%FF", "q&q&q", "status[]=x"):
        response = client.get(f"{url}?{query}")
        assert response.status_code in (200, 400), (url, query, response.status_code)
