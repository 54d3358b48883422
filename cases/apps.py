from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Filing cases")

    def ready(self):
        from cases.accounts import signals

        signals.connect()  # sessions recorded at sign-in, lockouts audited
