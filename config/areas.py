"""The base of every area (viewflow Application) of the signed-in frontend, and its menu."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from viewflow.urls import Application

from workflow import roles


@dataclass(frozen=True)
class Link:
    """One menu entry: a URL name of the area (or "namespace:name" elsewhere), with an optional query, shown
    only to the roles listed (or the users holding `permission`), if either is given."""

    title: Any
    name: str
    icon: str
    query: str = ""
    roles: tuple[str, ...] = ()
    permission: str = ""
    when: Callable[[Any], bool] | None = None  # any other condition on the user

    def visible_to(self, user) -> bool:
        if self.roles and not any(roles.has_role(user, role) for role in self.roles):
            return False
        if self.when is not None and not self.when(user):
            return False
        return not self.permission or user.has_perm(self.permission)


class AreaApplication(Application):
    """An application whose menu is a list of our own links, shown to the listed roles (and to superusers,
    unless the area's pages are only for a role's own work, `for_superusers = False`)."""

    menu_template_name = "base/app_menu.html"
    allowed_roles: list[str] | None = None  # None: every signed-in user
    for_superusers = True
    menu_links: list = []  # Link, or (title, url name inside the app, icon)

    def has_view_permission(self, user, obj=None):
        # Anonymous users pass here so that the view's login check redirects them to
        # the login page instead of answering 403.
        if not user.is_authenticated:
            return True
        if self.allowed_roles is None or (user.is_superuser and self.for_superusers):
            return True
        return any(roles.has_role(user, role) for role in self.allowed_roles)

    def links(self) -> list[Link]:
        return [link if isinstance(link, Link) else Link(*link) for link in self.menu_links]

    def link_url(self, link: Link) -> str:
        url = reverse(link.name) if ":" in link.name else self.reverse(link.name)
        return f"{url}?{link.query}" if link.query else url

    def menu_entries_for(self, request) -> list[dict]:
        """The entries this user sees, the one of the current page marked active (the longest match wins)."""
        entries = [
            {"title": link.title, "url": self.link_url(link), "icon": link.icon}
            for link in self.links()
            if link.visible_to(request.user)
        ]
        here = request.get_full_path()
        best = max(
            (entry for entry in entries if _matches(here, entry["url"])),
            key=lambda entry: len(entry["url"]),
            default=None,
        )
        for entry in entries:
            entry["active"] = entry is best
        return entries


def _matches(here: str, url: str) -> bool:
    """A page belongs to an entry if it is the entry's page (same query) or below its path."""
    path, _sep, query = url.partition("?")
    here_path, _sep, here_query = here.partition("?")
    if query:
        return here_path == path and all(part in here_query.split("&") for part in query.split("&"))
    return here_path == path or (path.endswith("/") and here_path.startswith(path))
