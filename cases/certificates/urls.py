"""The areas of skill-level certificates: the bodies' plans, batches and certificates; the regulator's review."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from cases.certificates.views import batches as certificate_views
from cases.certificates.views import certificates as certificates_views
from cases.certificates.views import plans as plans_views
from cases.certificates.views import statistics as statistics_views
from config.areas import AreaApplication, Link
from workflow import roles
from workflow import views as workflow_views
from workflow.flows.certificates import REVIEW


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
    """The regulator's side of certificates: result batches to review (in the one to-do list) and the statistics."""

    title = _("Certificate registration")
    icon = "verified"
    app_name = "certificate_review"
    allowed_roles = [*roles.REGULATOR_ROLES, roles.AUDITOR, roles.ADMIN]
    menu_links = [
        Link(_("Batches to review"), "tasks:queue", "fact_check", query="kind=batch", permission=REVIEW),
        Link(_("Reviews in my inbox"), "tasks:inbox", "inbox", query="kind=batch", permission=REVIEW),
        Link(_("Result batches"), "certificates:batch_list", "list_alt"),
        Link(_("Statistics"), "statistics", "bar_chart"),
    ]
    index_path = path("", workflow_views.list_redirect, {"mode": "queue", "kind": "batch"}, name="index")
    # The review's own lists and task pages of before the one to-do list lead there.
    inbox_path = path("inbox/", workflow_views.list_redirect, {"mode": "inbox", "kind": "batch"}, name="inbox")
    queue_path = path("queue/", workflow_views.list_redirect, {"mode": "queue", "kind": "batch"}, name="queue")
    archive_path = path("archive/", workflow_views.list_redirect, {"mode": "archive", "kind": "batch"}, name="archive")
    task_path = path("tasks/<int:task_pk>/", workflow_views.task_redirect, name="task")
    statistics_path = path("statistics/", statistics_views.statistics, name="statistics")
    statistics_csv_path = path("statistics.csv", statistics_views.statistics_csv, name="statistics_csv")
