"""The signed-in frontend: one viewflow Site, one Application per area, menus per role."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, Site

from workflow import roles
from workflow.views import StartView


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


class WorkbenchApp(AreaApplication):
    title = _("Workbench")
    icon = "dashboard"
    app_name = "workbench"
    menu_links = [(_("Start page"), "index", "home")]
    index_path = path("", StartView.as_view(), name="index")


class FilingSite(Site):
    title = _("Skill-level certification filing")
    primary_color = "#9b1c1c"
    secondary_color = "#b45309"

    def has_view_permission(self, user, obj=None):
        return True  # every page below checks login and role itself


site = FilingSite(viewsets=[WorkbenchApp()])
