"""The areas of supervision: the regulator's cases and tasks, the filed body's own filing, cases and reports."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from cases.supervision.views import body as body_views
from cases.supervision.views import cases as supervision_views
from config.areas import AreaApplication, Link
from workflow import roles
from workflow import views as workflow_views
from workflow.flows.supervision import SUPERVISE


class SupervisionApp(AreaApplication):
    """Supervision of filed bodies: the cases; their tasks are in the one to-do list."""

    title = _("Supervision")
    icon = "policy"
    app_name = "supervision"
    allowed_roles = [roles.SUPERVISOR, roles.INSPECTOR, roles.CHIEF, roles.APPROVER, roles.AUDITOR]
    menu_links = [
        Link(_("Supervision cases"), "cases", "policy"),
        Link(_("Supervision tasks"), "tasks:inbox", "inbox", query="kind=supervision"),
        Link(_("Supervision queue"), "tasks:queue", "group_work", query="kind=supervision", permission=SUPERVISE),
    ]
    index_path = path("", supervision_views.case_list, name="index")
    # The supervision lists and task pages of before the one to-do list lead there.
    inbox_path = path("inbox/", workflow_views.list_redirect, {"mode": "inbox", "kind": "supervision"}, name="inbox")
    queue_path = path("queue/", workflow_views.list_redirect, {"mode": "queue", "kind": "supervision"}, name="queue")
    archive_path = path(
        "archive/", workflow_views.list_redirect, {"mode": "archive", "kind": "supervision"}, name="archive"
    )
    task_path = path("tasks/<int:task_pk>/", workflow_views.task_redirect, name="task")
    cases_path = path("cases/", supervision_views.case_list, name="cases")
    case_path = path("cases/<int:pk>/", supervision_views.case_detail, name="case")
    lapse_path = path("cases/<int:pk>/lapse/", supervision_views.case_lapse, name="lapse")
    document_path = path("cases/<int:pk>/documents/<int:doc_pk>/", supervision_views.case_document, name="document")
    evidence_path = path("cases/<int:pk>/evidence/<int:evidence_pk>/", supervision_views.case_evidence, name="evidence")


class FiledBodyApp(AreaApplication):
    """The filed body's own registry entry, supervision cases (answered from here) and annual reports."""

    title = _("Our filing")
    icon = "verified_user"
    app_name = "body"
    allowed_roles = [roles.APPLICANT]
    for_superusers = False  # the pages of a body's own members
    menu_links = [(_("Filing, supervision and reports"), "index", "verified_user")]
    index_path = path("", body_views.overview, name="index")
    case_path = path("cases/<int:pk>/", body_views.case_detail, name="case")
    respond_path = path("cases/<int:pk>/orders/<int:order_pk>/respond/", body_views.respond, name="respond")
    document_path = path("cases/<int:pk>/documents/<int:doc_pk>/", body_views.case_document, name="document")
    evidence_path = path("cases/<int:pk>/evidence/<int:evidence_pk>/", body_views.case_evidence, name="evidence")
    report_path = path("filings/<int:pk>/reports/<int:year>/", body_views.report_create, name="report")
