"""The project's URLs with the audit area mounted, for tests that run before config wires it in."""

from django.urls import path

from config import urls as project_urls
from config.site import FilingSite


def _audit_site():
    # Imported here, after config.site, because audits.site imports AreaApplication from it.
    from audits.site import AuditApp

    return FilingSite(viewsets=[AuditApp()])


urlpatterns = [pattern for pattern in project_urls.urlpatterns if str(pattern.pattern) != "app/"] + [
    path("app/", _audit_site().urls)
]
