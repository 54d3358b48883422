"""The audit area of the signed-in frontend; listed in config.site's FilingSite."""

from django.utils.translation import gettext_lazy as _

from audits import urls
from config.areas import AreaApplication
from workflow import roles


class AuditApp(AreaApplication):
    title = _("Audit trail")
    icon = "policy"
    app_name = "audits"
    allowed_roles = [roles.AUDITOR]
    menu_links = [(_("Search the audit trail"), "search", "manage_search")]
    urlpatterns = urls.urlpatterns
