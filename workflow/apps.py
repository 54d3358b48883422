import os
import sys

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from workflow.roles import sync_role_groups

    apps = kwargs.get("apps")
    if apps is not None:  # `flush` sends post_migrate without the migration state; nothing to sync then
        sync_role_groups(apps)


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Workflow")

    def ready(self):
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="workflow.sync_roles")
        if _serving_with_runserver():
            from workflow.background import start_embedded_scheduler

            start_embedded_scheduler()


def _serving_with_runserver() -> bool:
    """The process of `manage.py runserver` that serves requests (not the autoreloader watching files)."""
    if len(sys.argv) < 2 or sys.argv[1] != "runserver":
        return False
    return os.environ.get("RUN_MAIN") == "true" or "--noreload" in sys.argv
