from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The capabilities that declare pages of flow steps (workflow.steps), in the order of the flows.
STEP_MODULES = ["applications", "inspections", "assessments", "supervision", "certificates", "selection"]


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Filing cases")

    def ready(self):
        from cases.accounts import signals

        signals.connect()  # sessions recorded at sign-in, lockouts audited
        for capability in STEP_MODULES:
            import_module(f"cases.{capability}.steps")
