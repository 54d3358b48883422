"""The areas of supervision: the regulator's cases and tasks, the filed body's own filing, cases and reports."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from cases.supervision.views import body as body_views
from cases.supervision.views import cases as supervision_views
from config.areas import AreaApplication
from workflow import roles


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
