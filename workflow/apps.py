from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from workflow.roles import sync_role_groups

    sync_role_groups(kwargs["apps"])  # the migration state's apps, never the live registry


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Workflow")

    def ready(self):
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="workflow.sync_roles")
