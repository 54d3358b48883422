"""The base of every area (viewflow Application) of the signed-in frontend."""

from viewflow.urls import Application

from workflow import roles


class AreaApplication(Application):
    """An application whose menu is a list of our own links, shown to the listed roles."""

    menu_template_name = "base/app_menu.html"
    allowed_roles: list[str] | None = None  # None: every signed-in user
    menu_links: list[tuple[str, str, str]] = []  # (title, url name inside the app, icon)

    def has_view_permission(self, user, obj=None):
        # Anonymous users pass here so that the view's login check redirects them to
        # the login page instead of answering 403.
        if not user.is_authenticated:
            return True
        if self.allowed_roles is None or user.is_superuser:
            return True
        return any(roles.has_role(user, role) for role in self.allowed_roles)

    def menu_entries(self):
        for title, name, icon in self.menu_links:
            yield title, self.reverse(name), icon
