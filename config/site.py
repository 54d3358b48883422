"""The signed-in frontend: one viewflow Site, one Application per area, menus per role."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, Site

from cases import views as case_views
from workflow import roles
from workflow import views as workflow_views

TASK_ROLES = [roles.CLERK, roles.CHIEF, roles.INSPECTOR, roles.EXPERT, roles.APPROVER, roles.SUPERVISOR]


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
    index_path = path("", workflow_views.StartView.as_view(), name="index")


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


class FilingSite(Site):
    title = _("Skill-level certification filing")
    primary_color = "#9b1c1c"
    secondary_color = "#b45309"

    def has_view_permission(self, user, obj=None):
        return True  # every page below checks login and role itself


site = FilingSite(viewsets=[WorkbenchApp(), TasksApp(), ApplicationsApp()])
