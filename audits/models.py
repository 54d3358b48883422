import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audits.actions import action_label


class AuditEvent(models.Model):
    """One recorded fact (审计事件); rows are only ever inserted, each chained to the one before."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    from_state = models.CharField(_("from state"), max_length=64, blank=True)
    to_state = models.CharField(_("to state"), max_length=64, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    public = models.BooleanField(_("shown to applicants"), default=False)
    request_id = models.CharField(_("request ID"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # prev_hash is unique too: two events claiming the same predecessor would be a fork.
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["object_type", "object_id", "id"], name="audits_event_object_idx")]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    @property
    def action_label(self) -> str:
        return str(action_label(self.action))

    @property
    def actor_display(self) -> str:
        if self.actor_id is None:
            return self.actor_label or str(_("System"))
        return self.actor.get_full_name() or self.actor_label

    @property
    def data_json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, sort_keys=True)
