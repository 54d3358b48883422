"""Every menu entry leads somewhere for every role that sees it, and the entry of the current page is marked."""

import re
from html import unescape

import pytest

from cases.common.demo import DEMO_USERS, seed_demo

pytestmark = pytest.mark.django_db

MENU_LINK = re.compile(r'<a class="mdc-list-item[^"]*vf-page__menu-list-item[^"]*" href="([^"]*)"')


def _menu_links(html: str) -> list[str]:
    return [unescape(href) for href in MENU_LINK.findall(html)]


@pytest.mark.parametrize("username", sorted(DEMO_USERS))
def test_every_menu_link_of_every_demo_role_is_a_page(client, username):
    seed_demo()
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username=username))
    start = client.get("/app/", follow=True)
    assert start.status_code == 200
    areas = _menu_links(start.content.decode())
    assert areas, "the site menu is empty"
    seen, to_visit = set(), list(areas)
    while to_visit:
        href = to_visit.pop()
        assert href.strip(), f"{username}: a menu entry has an empty link"
        if href in seen:
            continue
        seen.add(href)
        response = client.get(href, follow=True)
        assert response.status_code == 200, (username, href, response.status_code)
        to_visit.extend(link for link in _menu_links(response.content.decode()) if link not in seen)


def test_the_entry_of_the_current_page_is_the_active_one(client, clerk):
    client.force_login(clerk)
    html = client.get("/app/tasks/queue/").content.decode()
    active = re.findall(r'mdc-list-item--activated" href="([^"]*)"', html)
    assert active == ["/app/tasks/queue/"]
