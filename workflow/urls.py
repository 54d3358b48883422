"""The signed-in areas of the task spine: the workbench (start page, notifications) and the tasks."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from config.areas import AreaApplication, Link
from workflow import roles
from workflow import views as workflow_views
from workflow.steps import works_queues


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


class TasksApp(AreaApplication):
    """The one to-do list of every user, for every flow, and the one task page."""

    title = _("Tasks")
    icon = "inbox"
    app_name = "tasks"
    menu_links = [
        Link(_("My inbox"), "inbox", "inbox"),
        Link(_("Queue"), "queue", "group_work", when=works_queues),
        Link(_("Archive"), "archive", "archive"),
        Link(_("Overdue tasks"), "overdue", "alarm", roles=(roles.CHIEF,)),
    ]
    index_path = path("", workflow_views.TaskListView.as_view(mode="inbox"), name="index")
    inbox_path = path("", workflow_views.TaskListView.as_view(mode="inbox"), name="inbox")
    queue_path = path("queue/", workflow_views.TaskListView.as_view(mode="queue"), name="queue")
    archive_path = path("archive/", workflow_views.TaskListView.as_view(mode="archive"), name="archive")
    overdue_path = path("overdue/", workflow_views.TaskListView.as_view(mode="overdue"), name="overdue")
    detail_path = path("<int:task_pk>/", workflow_views.task_detail, name="detail")
    claim_path = path("<int:task_pk>/claim/", workflow_views.task_claim_view, name="claim")
    release_path = path("<int:task_pk>/release/", workflow_views.task_release_view, name="release")
    reassign_path = path("<int:task_pk>/reassign/", workflow_views.task_reassign_view, name="reassign")
