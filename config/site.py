"""The signed-in frontend: one viewflow Site, one Application per area, menus per role."""

from django.utils.translation import gettext_lazy as _
from viewflow.urls import Site

from api.urls import ApiKeysApp
from audits.site import AuditApp
from cases.accounts.urls import AccountApp, LockoutsApp
from cases.applications.urls import ApplicationsApp
from cases.certificates.urls import CertificateReviewApp, CertificatesApp
from cases.draws.urls import AssignmentsApp, DrawsApp
from cases.registry.urls import RegistryApp
from cases.search.urls import SearchApp
from cases.selection.urls import SelectionApp
from cases.supervision.urls import FiledBodyApp, SupervisionApp
from workflow.urls import TasksApp, WorkbenchApp


class FilingSite(Site):
    title = _("Skill-level certification filing")
    primary_color = "#9b1c1c"
    secondary_color = "#b45309"

    def has_view_permission(self, user, obj=None):
        return True  # every page below checks login and role itself


site = FilingSite(
    viewsets=[
        WorkbenchApp(),
        TasksApp(),
        ApplicationsApp(),
        AssignmentsApp(),
        DrawsApp(),
        CertificatesApp(),
        CertificateReviewApp(),
        SupervisionApp(),
        SelectionApp(),
        RegistryApp(),
        SearchApp(),
        FiledBodyApp(),
        AuditApp(),
        AccountApp(),
        LockoutsApp(),
        ApiKeysApp(),
    ]
)
