"""The regulator's area of the registry: filed bodies, campaigns, complaints, annual reports."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from cases.registry import views as registry_views
from cases.supervision.views import annual_reports
from cases.supervision.views import campaigns as campaigns_views
from cases.supervision.views import complaints as complaints_views
from config.areas import AreaApplication, Link
from workflow import roles


class RegistryApp(AreaApplication):
    """The registry of filed bodies with its status history, random campaigns, complaints, annual reports."""

    title = _("Registry")
    icon = "account_balance"
    app_name = "registry"
    allowed_roles = [*roles.REGULATOR_ROLES, roles.AUDITOR]
    menu_links = [
        Link(_("Filed bodies"), "index", "account_balance"),
        Link(_("Random campaigns"), "campaigns", "casino", permission="cases.view_supervisioncampaign"),
        Link(_("Complaints"), "complaints", "report", permission="cases.view_complaint"),
        Link(_("Annual reports"), "reports", "summarize", permission="cases.view_annualreport"),
    ]
    index_path = path("", registry_views.registry_list, name="index")
    filing_path = path("filings/<int:pk>/", registry_views.registry_detail, name="filing")
    change_path = path("filings/<int:pk>/<str:action>/", registry_views.registry_change, name="change")
    open_case_path = path("filings/<int:pk>/cases/new/", registry_views.registry_open_case, name="open_case")
    campaigns_path = path("campaigns/", campaigns_views.campaign_list, name="campaigns")
    campaign_create_path = path("campaigns/new/", campaigns_views.campaign_create, name="campaign_create")
    campaign_path = path("campaigns/<int:pk>/", campaigns_views.campaign_detail, name="campaign")
    campaign_draw_path = path("campaigns/<int:pk>/draw/", campaigns_views.campaign_draw, name="campaign_draw")
    campaign_replay_path = path("campaigns/<int:pk>/replay/", campaigns_views.campaign_replay, name="campaign_replay")
    campaign_close_path = path("campaigns/<int:pk>/close/", campaigns_views.campaign_close, name="campaign_close")
    complaints_path = path("complaints/", complaints_views.complaint_list, name="complaints")
    complaint_create_path = path("complaints/new/", complaints_views.complaint_create, name="complaint_create")
    reports_path = path("annual-reports/", annual_reports.report_overview, name="reports")
    report_path = path("annual-reports/<int:pk>/", annual_reports.report_detail, name="report")
