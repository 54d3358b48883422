import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_language_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"}, follow=True)
    assert "Log in" in response.content.decode()


def test_anonymous_is_sent_to_login_from_the_workbench(client):
    response = client.get("/app/workbench/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_start_page_names_the_users_role(client, clerk):
    client.force_login(clerk)
    response = client.get("/app/workbench/")
    assert response.status_code == 200
    assert 'data-role="clerk"' in response.content.decode()


def test_failed_login_shows_error_in_chinese(client, clerk):
    response = client.post(reverse("login"), {"username": clerk.username, "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


PUBLIC_LINKS = ["/directory/", "/notices/", "/directory/campaigns/", "/selections/", "/verify/"]


@pytest.mark.parametrize("path", ["/", *PUBLIC_LINKS])
def test_every_public_page_has_the_same_header_links(client, path):
    """One public menu: each public capability is reachable from each public page, in the same order."""
    response = client.get(path)
    assert response.status_code == 200
    header = response.content.decode().split('<nav class="public-nav">', 1)[1].split("</nav>", 1)[0]
    found = [link for link in re.findall(r'href="([^"]+)"', header) if link != reverse("login")]
    assert found == PUBLIC_LINKS, found
