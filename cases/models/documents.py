"""Generated documents (文书): the PDFs each flow step issues, numbered (文号), signed, stored with their SHA-256."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class GeneratedDocument(models.Model):
    """A rendered official document (文书) attached to the case object it was issued for."""

    class Kind(models.TextChoices):
        ACCEPTANCE_NOTICE = "acceptance_notice", _("Acceptance notice")  # 受理通知书
        SUPPLEMENT_NOTICE = "supplement_notice", _("Supplement notice")  # 补正通知书
        REJECTION_NOTICE = "rejection_notice", _("Rejection notice")  # 不予受理通知书
        INSPECTION_REPORT = "inspection_report", _("Site inspection report")  # 现场考察报告
        ASSESSMENT_REPORT = "assessment_report", _("Expert assessment report")  # 专业评估报告
        DECISION = "decision", _("Filing decision")  # 备案决定书
        FILING_CERTIFICATE = "filing_certificate", _("Filing certificate")  # 备案证明
        RECTIFICATION_NOTICE = "rectification_notice", _("Rectification notice")  # 整改通知书
        SANCTION_DECISION = "sanction_decision", _("Sanction decision")  # 处理决定书
        SKILL_CERTIFICATE = "skill_certificate", _("Skill-level certificate")  # 职业技能等级证书
        SUBMISSION_RECEIPT = "submission_receipt", _("Submission receipt")  # 提交回执

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # Generic target: documents belong to applications, inspections, filings, supervision cases and
    # certificates alike. object_id is text so integer and UUID keys both fit.
    content_type = models.ForeignKey(ContentType, verbose_name=_("content type"), on_delete=models.PROTECT)
    object_id = models.CharField(_("object id"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200)
    # 文号, from the kind's yearly pattern (settings.DOCUMENT_NUMBER_PATTERNS); a skill-level certificate's
    # is its certificate number. Empty only on documents issued before numbering.
    number = models.CharField(_("document number"), max_length=80, blank=True)
    # The filled-in template, frozen when the document is issued and laid out as a PDF after commit
    # (cases.documents.rendering.document_render); emptied once the signed PDF is stored.
    html = models.TextField(_("content awaiting rendering"), blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    public = models.BooleanField(
        _("public"), default=True, help_text=_("Visible to the applicant on the case's status page.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        indexes = [models.Index(fields=["content_type", "object_id"], name="gendoc_target_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"], condition=~models.Q(number=""), name="gendoc_kind_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.title} {self.number}".strip()

    @property
    def is_rendered(self) -> bool:
        return self.rendered_at is not None

    @property
    def download_name(self) -> str:
        """The file name offered on download: the Chinese title and the number, e.g. 受理通知书（京人社…号）.pdf."""
        return f"{self.title}（{self.number}）.pdf" if self.number else f"{self.title}.pdf"
