"""The signed-in area of the regulators' search across cases."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from cases.search import views
from cases.search.access import SEARCHERS
from config.areas import AreaApplication


class SearchApp(AreaApplication):
    """Search every case by number, organisation, credit code or person."""

    title = _("Search")
    icon = "search"
    app_name = "search"
    allowed_roles = list(SEARCHERS)
    menu_links = [(_("Search cases"), "index", "search")]
    index_path = path("", views.search, name="index")
