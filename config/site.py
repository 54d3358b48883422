"""The signed-in frontend: one viewflow Site, one Application per area, menus per role."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Site

from audits.site import AuditApp
from cases.applications import views as case_views
from cases.certificates.views import batches as certificate_views
from cases.certificates.views import certificates as certificates_views
from cases.certificates.views import plans as plans_views
from cases.certificates.views import review as review_views
from cases.certificates.views import statistics as statistics_views
from cases.draws.urls import AssignmentsApp, DrawsApp
from cases.inspections import views as inspection_views
from cases.registry import views as registry_views
from cases.supervision.views import annual_reports
from cases.supervision.views import body as body_views
from cases.supervision.views import campaigns as campaigns_views
from cases.supervision.views import cases as supervision_views
from cases.supervision.views import complaints as complaints_views
from config.areas import AreaApplication
from workflow import roles
from workflow import views as workflow_views

TASK_ROLES = [roles.CLERK, roles.CHIEF, roles.INSPECTOR, roles.EXPERT, roles.APPROVER, roles.SUPERVISOR]


class WorkbenchApp(AreaApplication):
    title = _("Workbench")
    icon = "dashboard"
    app_name = "workbench"
    menu_links = [
        (_("Start page"), "index", "home"),
        (_("Notifications"), "notifications", "notifications"),
        (_("Notification settings"), "notification_settings", "tune"),
    ]
    index_path = path("", workflow_views.StartView.as_view(), name="index")
    notifications_path = path("notifications/", workflow_views.NotificationListView.as_view(), name="notifications")
    notification_open_path = path(
        "notifications/<int:pk>/open/", workflow_views.notification_open, name="notification_open"
    )
    notifications_read_path = path(
        "notifications/read/", workflow_views.notifications_mark_read, name="notifications_mark_read"
    )
    notification_settings_path = path(
        "notifications/settings/", workflow_views.notification_settings, name="notification_settings"
    )


class ApplicationsApp(AreaApplication):
    """Filing applications: the applicant's drafts and every case page."""

    title = _("Filing applications")
    icon = "assignment"
    app_name = "applications"
    menu_links = [(_("All applications"), "index", "assignment")]
    index_path = path("", case_views.ApplicationListView.as_view(), name="index")
    create_path = path("new/", login_required(case_views.application_create), name="create")
    detail_path = path("<int:pk>/", login_required(case_views.application_detail), name="detail")
    scope_path = path("<int:pk>/scope/", login_required(case_views.scope_add), name="scope_add")
    roster_path = path("<int:pk>/roster/", login_required(case_views.roster_add), name="roster_add")
    venue_path = path("<int:pk>/venues/", login_required(case_views.venue_add), name="venue_add")
    attachment_path = path("<int:pk>/attachments/", login_required(case_views.attachment_add), name="attachment_add")
    populations_path = path(
        "<int:pk>/populations/", login_required(case_views.populations_update), name="populations_update"
    )
    child_delete_path = path(
        "<int:pk>/<str:kind>/<int:child_pk>/delete/", login_required(case_views.child_delete), name="child_delete"
    )
    submit_path = path("<int:pk>/submit/", login_required(case_views.application_submit), name="submit")
    withdraw_path = path("<int:pk>/withdraw/", login_required(case_views.application_withdraw), name="withdraw")
    document_path = path(
        "<int:pk>/documents/<int:doc_pk>/", login_required(case_views.document_download), name="document"
    )
    attachment_file_path = path(
        "<int:pk>/attachments/<int:attachment_pk>/", login_required(case_views.attachment_download), name="attachment"
    )
    inspection_path = path("<int:pk>/inspection/", inspection_views.inspection_page, name="inspection")
    inspection_photo_path = path(
        "<int:pk>/inspection/photos/<int:photo_pk>/<str:variant>/",
        inspection_views.inspection_photo,
        name="inspection_photo",
    )


class TasksApp(AreaApplication):
    """Role-based task inboxes of the filing flow."""

    title = _("Tasks")
    icon = "inbox"
    app_name = "tasks"
    allowed_roles = TASK_ROLES
    menu_links = [
        (_("My inbox"), "inbox", "inbox"),
        (_("Queue"), "queue", "group_work"),
        (_("Archive"), "archive", "archive"),
    ]
    index_path = path("", workflow_views.TaskListView.as_view(mode="inbox"), name="inbox")
    queue_path = path("queue/", workflow_views.TaskListView.as_view(mode="queue"), name="queue")
    archive_path = path("archive/", workflow_views.TaskListView.as_view(mode="archive"), name="archive")
    overdue_path = path("overdue/", workflow_views.TaskListView.as_view(mode="overdue"), name="overdue")
    detail_path = path("<int:task_pk>/", workflow_views.task_detail, name="detail")
    claim_path = path("<int:task_pk>/claim/", workflow_views.task_claim_view, name="claim")
    release_path = path("<int:task_pk>/release/", workflow_views.task_release_view, name="release")
    reassign_path = path("<int:task_pk>/reassign/", workflow_views.task_reassign_view, name="reassign")
    objection_path = path("<int:task_pk>/objections/", workflow_views.objection_add, name="objection_add")
    resolve_path = path(
        "<int:task_pk>/objections/<int:objection_pk>/resolve/",
        workflow_views.objection_resolve_view,
        name="objection_resolve",
    )


class CertificatesApp(AreaApplication):
    """Skill-level certificates: the bodies' assessment plans and result batches, certificates."""

    title = _("Skill-level certificates")
    icon = "workspace_premium"
    app_name = "certificates"
    allowed_roles = [roles.APPLICANT, *roles.REGULATOR_ROLES, roles.AUDITOR, roles.ADMIN]
    menu_links = [
        (_("Assessment plans"), "index", "event"),
        (_("Result batches"), "batch_list", "fact_check"),
        (_("Certificates"), "certificate_list", "workspace_premium"),
    ]
    index_path = path("", plans_views.plan_list, name="index")
    plan_create_path = path("plans/new/", plans_views.plan_create, name="plan_create")
    plan_detail_path = path("plans/<int:pk>/", plans_views.plan_detail, name="plan_detail")
    batch_create_path = path("plans/<int:pk>/report/", plans_views.batch_create, name="batch_create")
    batch_list_path = path("batches/", certificate_views.batch_list, name="batch_list")
    batch_detail_path = path("batches/<int:pk>/", certificate_views.batch_detail, name="batch_detail")
    batch_template_path = path(
        "batches/<int:pk>/template.<str:fmt>", certificate_views.batch_template, name="batch_template"
    )
    batch_import_path = path("batches/<int:pk>/import/", certificate_views.batch_import, name="batch_import")
    import_progress_path = path(
        "batches/<int:pk>/imports/<int:job_pk>/progress/", certificate_views.import_progress, name="import_progress"
    )
    import_problems_path = path(
        "batches/<int:pk>/imports/<int:job_pk>/problems.csv", certificate_views.import_problems, name="import_problems"
    )
    batch_submit_path = path("batches/<int:pk>/submit/", certificate_views.batch_submit, name="batch_submit")
    export_start_path = path("batches/<int:pk>/exports/", certificate_views.export_start, name="export_start")
    export_progress_path = path(
        "batches/<int:pk>/exports/<int:export_pk>/progress/", certificate_views.export_progress, name="export_progress"
    )
    export_download_path = path(
        "batches/<int:pk>/exports/<int:export_pk>/download/", certificate_views.export_download, name="export_download"
    )
    certificate_list_path = path("list/", certificates_views.certificate_list, name="certificate_list")
    certificate_detail_path = path("c/<int:pk>/", certificates_views.certificate_detail, name="certificate_detail")
    certificate_pdf_path = path("c/<int:pk>/pdf/", certificates_views.certificate_pdf, name="certificate_pdf")
    certificate_revoke_path = path(
        "c/<int:pk>/revoke/", certificates_views.certificate_revoke, name="certificate_revoke"
    )


class CertificateReviewApp(AreaApplication):
    """The regulator's side of certificates: result-batch review tasks and the statistics."""

    title = _("Certificate registration")
    icon = "verified"
    app_name = "certificate_review"
    allowed_roles = [*roles.REGULATOR_ROLES, roles.AUDITOR, roles.ADMIN]
    menu_links = [
        (_("My inbox"), "inbox", "inbox"),
        (_("Queue"), "queue", "group_work"),
        (_("Archive"), "archive", "archive"),
        (_("Statistics"), "statistics", "bar_chart"),
    ]
    index_path = path("", review_views.review_inbox, name="inbox")
    queue_path = path("queue/", review_views.review_queue, name="queue")
    archive_path = path("archive/", review_views.review_archive, name="archive")
    task_path = path("tasks/<int:task_pk>/", review_views.review_task, name="task")
    claim_path = path("tasks/<int:task_pk>/claim/", review_views.review_claim, name="claim")
    release_path = path("tasks/<int:task_pk>/release/", review_views.review_release, name="release")
    statistics_path = path("statistics/", statistics_views.statistics, name="statistics")
    statistics_csv_path = path("statistics.csv", statistics_views.statistics_csv, name="statistics_csv")


class SupervisionApp(AreaApplication):
    """Supervision of filed bodies: the supervision task inbox/queue/archive and the cases."""

    title = _("Supervision")
    icon = "policy"
    app_name = "supervision"
    allowed_roles = [roles.SUPERVISOR, roles.INSPECTOR, roles.CHIEF, roles.APPROVER, roles.AUDITOR]
    menu_links = [
        (_("My inbox"), "inbox", "inbox"),
        (_("Queue"), "queue", "group_work"),
        (_("Archive"), "archive", "archive"),
        (_("Supervision cases"), "cases", "policy"),
    ]
    index_path = path("", supervision_views.task_list, {"mode": "inbox"}, name="inbox")
    queue_path = path("queue/", supervision_views.task_list, {"mode": "queue"}, name="queue")
    archive_path = path("archive/", supervision_views.task_list, {"mode": "archive"}, name="archive")
    task_path = path("tasks/<int:task_pk>/", supervision_views.task_detail, name="task")
    claim_path = path("tasks/<int:task_pk>/claim/", supervision_views.task_claim_view, name="claim")
    release_path = path("tasks/<int:task_pk>/release/", supervision_views.task_release_view, name="release")
    cases_path = path("cases/", supervision_views.case_list, name="cases")
    case_path = path("cases/<int:pk>/", supervision_views.case_detail, name="case")
    lapse_path = path("cases/<int:pk>/lapse/", supervision_views.case_lapse, name="lapse")
    document_path = path("cases/<int:pk>/documents/<int:doc_pk>/", supervision_views.case_document, name="document")
    evidence_path = path("cases/<int:pk>/evidence/<int:evidence_pk>/", supervision_views.case_evidence, name="evidence")


class RegistryApp(AreaApplication):
    """The registry of filed bodies with its status history, random campaigns, complaints, annual reports."""

    title = _("Registry")
    icon = "account_balance"
    app_name = "registry"
    allowed_roles = [*roles.REGULATOR_ROLES, roles.AUDITOR]
    menu_links = [
        (_("Filed bodies"), "index", "account_balance"),
        (_("Random campaigns"), "campaigns", "casino"),
        (_("Complaints"), "complaints", "report"),
        (_("Annual reports"), "reports", "summarize"),
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


class FiledBodyApp(AreaApplication):
    """The filed body's own registry entry, supervision cases (answered from here) and annual reports."""

    title = _("Our filing")
    icon = "verified_user"
    app_name = "body"
    allowed_roles = [roles.APPLICANT]
    menu_links = [(_("Filing, supervision and reports"), "index", "verified_user")]
    index_path = path("", body_views.overview, name="index")
    case_path = path("cases/<int:pk>/", body_views.case_detail, name="case")
    respond_path = path("cases/<int:pk>/orders/<int:order_pk>/respond/", body_views.respond, name="respond")
    document_path = path("cases/<int:pk>/documents/<int:doc_pk>/", body_views.case_document, name="document")
    evidence_path = path("cases/<int:pk>/evidence/<int:evidence_pk>/", body_views.case_evidence, name="evidence")
    report_path = path("filings/<int:pk>/reports/<int:year>/", body_views.report_create, name="report")


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
        RegistryApp(),
        FiledBodyApp(),
        AuditApp(),
    ]
)
