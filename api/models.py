"""The REST API's own records: service accounts, API keys, idempotency records, webhooks.

An API key acts as a service account, a Django user that exists only for the API: an organisation's
account is an applicant member of that organisation (so the same access helpers and services as in the
UI apply to it); a regulator service account holds the read-only auditor role. Keys are stored as a
SHA-256 digest and shown once, when created.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ServiceAccount(models.Model):
    """A user the API acts as: one per organisation, or a named regulator account (服务账号)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_account", verbose_name=_("user")
    )
    organisation = models.OneToOneField(
        "cases.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_account",
    )
    name = models.CharField(_("name"), max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("service account")
        verbose_name_plural = _("service accounts")

    def __str__(self):
        return self.name

    @property
    def is_regulator(self) -> bool:
        return self.organisation_id is None


class Scope(models.TextChoices):
    READ = "read", _("Read own records")
    SUBMIT = "submit", _("Submit assessment plans and results, answer rectification orders")
    REGISTRY = "registry", _("Read the registry and statistics (regulators)")


ORGANISATION_SCOPES = (Scope.READ, Scope.SUBMIT)
REGULATOR_SCOPES = (Scope.READ, Scope.REGISTRY)


class ApiKey(models.Model):
    """A secret that authenticates the systems of an organisation or of the bureau (API 密钥)."""

    account = models.ForeignKey(
        ServiceAccount, verbose_name=_("service account"), on_delete=models.PROTECT, related_name="keys"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What uses the key, e.g. “HR system”."))
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True)
    digest = models.CharField(_("SHA-256 of the key"), max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=120)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        permissions = [("manage_api_keys", "Can manage every organisation's API keys and regulator service accounts")]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"


class IdempotencyRecord(models.Model):
    """The response to a POST sent with an Idempotency-Key, replayed when the same request comes again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)  # None while the first request runs
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_once_per_user")]

    def __str__(self):
        return f"{self.user_id}: {self.key}"


class WebhookEndpoint(models.Model):
    """An HTTPS address of an organisation's system that receives its status changes (Webhook)."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Filing applications")
        BATCH = "batch", _("Result batches")
        RECTIFICATION = "rectification", _("Supervision cases and rectification orders")

    organisation = models.ForeignKey(
        "cases.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=64)
    kinds = models.JSONField(_("status changes of"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One status change sent (or to be sent) to one endpoint, with its attempts: the delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed for good")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The audit event it reports; not a foreign key, so that purging old audit events stays possible.
    event_id = models.BigIntegerField(_("audit event"))
    event = models.CharField(_("event"), max_length=64)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx")]

    def __str__(self):
        return f"{self.endpoint_id}/{self.event_id}: {self.status}"


class OutboxCursor(models.Model):
    """How far a reader of the audit trail has got (the id of the last event it handled)."""

    name = models.CharField(max_length=50, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outbox cursor")
        verbose_name_plural = _("outbox cursors")

    def __str__(self):
        return f"{self.name}: {self.last_event_id}"
