"""The signed-in area for API keys and webhooks (listed in config.site's FilingSite)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from api.views import ui
from config.areas import AreaApplication
from workflow import roles


class ApiKeysApp(AreaApplication):
    """API keys and webhooks: an organisation's applicant members, and the administrator for regulators."""

    title = _("API and webhooks")
    icon = "key"
    app_name = "api_keys"
    allowed_roles = [roles.APPLICANT, roles.ADMIN]
    menu_links = [
        (_("API keys"), "index", "key"),
        (_("Webhooks"), "webhooks", "webhook"),
    ]
    index_path = path("", ui.key_list, name="index")
    key_create_path = path("organisations/<int:organisation_pk>/keys/", ui.key_create, name="key_create")
    account_create_path = path("accounts/", ui.regulator_account_create, name="account_create")
    regulator_key_create_path = path("accounts/<int:account_pk>/keys/", ui.regulator_key_create, name="account_key")
    key_revoke_path = path("keys/<int:pk>/revoke/", ui.key_revoke, name="key_revoke")
    webhooks_path = path("webhooks/", ui.webhook_list, name="webhooks")
    webhook_create_path = path(
        "organisations/<int:organisation_pk>/webhooks/", ui.webhook_create, name="webhook_create"
    )
    webhook_disable_path = path("webhooks/<int:pk>/disable/", ui.webhook_disable, name="webhook_disable")
