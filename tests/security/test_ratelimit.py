"""The shared rate limiter and the client address behind trusted reverse proxies."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from cases.common.ratelimit import client_address, seconds_until_allowed

rf = RequestFactory()


def _request(remote="203.0.113.9", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("10.0.0.2", "198.51.100.7")) == "10.0.0.2"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client forged the first entry
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (1, "[2001:db8::5]:443", "2001:db8::5"),
        (1, "198.51.100.7:51234", "198.51.100.7"),
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_a_number_of_proxies_takes_that_entry_from_the_right(settings, count, forwarded, expected):
    settings.TRUSTED_PROXIES = count
    assert client_address(_request("10.0.0.2", forwarded)) == expected


def test_trusted_proxy_addresses_are_skipped_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    assert client_address(_request("10.0.0.2", "6.6.6.6, 198.51.100.7, 192.0.2.1")) == "198.51.100.7"
    # Not through our proxy: the header is the client's own invention.
    assert client_address(_request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"
    # Only proxies on the way: the farthest one is all we know.
    assert client_address(_request("10.0.0.2", "10.1.1.1")) == "10.1.1.1"


def test_the_setting_may_be_a_comma_separated_string(settings):
    settings.TRUSTED_PROXIES = "10.0.0.2, 10.0.0.3"
    assert client_address(_request("10.0.0.3", "198.51.100.7, 10.0.0.2")) == "198.51.100.7"
    settings.TRUSTED_PROXIES = "1"
    assert client_address(_request("10.0.0.3", "198.51.100.8")) == "198.51.100.8"


def test_the_limit_counts_per_client_and_scope():
    first, second = _request("198.51.100.1"), _request("198.51.100.2")
    for _ in range(3):
        assert seconds_until_allowed(first, scope="a", limit=3, window=60) == 0
    wait = seconds_until_allowed(first, scope="a", limit=3, window=60)
    assert 0 < wait <= 61
    assert seconds_until_allowed(first, scope="b", limit=3, window=60) == 0
    assert seconds_until_allowed(second, scope="a", limit=3, window=60) == 0


def test_ipv6_clients_share_their_64():
    one, neighbour = _request("2001:db8:1:2::1"), _request("2001:db8:1:2:ffff::9")
    assert seconds_until_allowed(one, scope="v6", limit=1, window=60) == 0
    assert seconds_until_allowed(neighbour, scope="v6", limit=1, window=60) > 0


@pytest.mark.django_db
def test_verify_behind_the_proxy_limits_each_citizen_separately(client, settings):
    """Behind the documented reverse proxy every request has the proxy's REMOTE_ADDR."""
    settings.TRUSTED_PROXIES = 1
    settings.VERIFY_RATE_LIMIT, settings.VERIFY_RATE_WINDOW = 2, 600
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    data = {"number": "Y000011000001994000001", "name": "某人"}
    for _ in range(2):
        assert client.post("/verify/", data, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code == 200
    assert client.post("/verify/", data, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code == 429
    # Another citizen behind the same proxy still gets an answer.
    assert client.post("/verify/", data, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code == 200
    # A client forging the header cannot escape its own window.
    forged = client.post("/verify/", data, HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.1", **proxy)
    assert forged.status_code == 429


@pytest.mark.django_db
def test_verify_ignores_the_header_without_trusted_proxies(client, settings):
    settings.TRUSTED_PROXIES = []
    settings.VERIFY_RATE_LIMIT, settings.VERIFY_RATE_WINDOW = 1, 600
    data = {"number": "Y000011000001994000001", "name": "某人"}
    assert client.post("/verify/", data, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    again = client.post("/verify/", data, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert again.status_code == 429
