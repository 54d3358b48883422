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
