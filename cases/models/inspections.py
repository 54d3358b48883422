"""Site inspection (现场考察) of an applicant by a drawn team, against a versioned checklist."""

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The checklist of the first filing flow. Migration 0008 turned it into checklist template version 1;
# edit checklists as new template versions (admin), not here.
DEFAULT_CHECKLIST = [
    ("C01", _("Venues and equipment match the declared scope and capacity")),
    ("C02", _("Examiners and internal supervisors are qualified and sufficient")),
    ("C03", _("Management rules cover exam security, records and appeals")),
    ("C04", _("Question banks or assessment tasks exist for each declared level")),
    ("C05", _("Records of previous training and evaluation are kept")),
]


class VersionedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def current(self):
        """The latest published version, or None."""
        return self.published().order_by("-version").first()


class VersionedStandard(models.Model):
    """A numbered version of a standard (checklist, rubric); published versions never change."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("what changed"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version} {self.title}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ChecklistTemplate(VersionedStandard):
    """One version of the site-inspection checklist (现场考察表). Published versions never change."""

    class Meta(VersionedStandard.Meta):
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def publication_problems(self) -> list[str]:
        items = list(self.items.all())
        if not items:
            return [str(_("A checklist needs at least one item."))]
        return []


class ChecklistItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("item"), max_length=10)
    text = models.CharField(_("requirement"), max_length=300)
    guidance = models.TextField(_("what to check"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    veto = models.BooleanField(
        _("veto item"), default=False, help_text=_("Failing this item alone means the applicant does not meet.")
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="checklist_item_code_once")]

    def __str__(self):
        return f"{self.code} {self.text}"


class SiteInspection(models.Model):
    class Conclusion(models.TextChoices):
        MEETS = "meets", _("Meets the requirements")
        BASICALLY = "basically", _("Basically meets the requirements")
        FAILS = "fails", _("Does not meet the requirements")

    application = models.ForeignKey("cases.FilingApplication", on_delete=models.CASCADE, related_name="inspections")
    checklist = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    planned_date = models.DateField(_("inspection date"))
    # The current team, kept in step with the drawn seats (declines and replacements change it).
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team leader"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("team members"), related_name="+")
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    computed_conclusion = models.CharField(
        _("computed conclusion"), max_length=20, choices=Conclusion.choices, blank=True
    )
    conclusion = models.CharField(_("conclusion"), max_length=20, choices=Conclusion.choices, blank=True)
    conclusion_reason = models.TextField(_("reason for departing from the computed conclusion"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # The visit took place on another day than planned: the leader records the day and why (the report shows it).
    actual_date = models.DateField(_("actual inspection date"), null=True, blank=True)
    actual_date_reason = models.TextField(_("why the inspection took place on another day"), blank=True)
    actual_date_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("site inspection")
        verbose_name_plural = _("site inspections")

    def __str__(self):
        return f"inspection {self.pk} of {self.application_id}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def inspection_date(self):
        """The day the inspection took place: the actual date when one was recorded, else the planned one."""
        return self.actual_date or self.planned_date


class InspectionFinding(models.Model):
    """One checklist item of one inspection: a copy of the item as planned, and what the team found."""

    class Result(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")
        NA = "na", _("Not applicable")

    inspection = models.ForeignKey(SiteInspection, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("item"), max_length=10)
    text = models.CharField(_("requirement"), max_length=300)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    veto = models.BooleanField(_("veto item"), default=False)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        constraints = [models.UniqueConstraint(fields=["inspection", "code"], name="finding_item_once")]

    def __str__(self):
        return f"{self.code}: {self.result or '-'}"


def conclude(findings: Iterable, *, basically_share: int) -> str:
    """The conclusion the checklist implies.

    Any failed veto item: does not meet. Otherwise every applicable item passed: meets; at least
    `basically_share` per cent of the applicable weight passed: basically meets; less: does not meet.
    """
    findings = list(findings)
    R, C = InspectionFinding.Result, SiteInspection.Conclusion
    if any(f.veto and f.result == R.FAIL for f in findings):
        return C.FAILS
    applicable = [f for f in findings if f.result != R.NA]
    if all(f.result == R.PASS for f in applicable):
        return C.MEETS
    passed = sum(Decimal(f.weight) for f in applicable if f.result == R.PASS)
    share = passed * 100 / sum(Decimal(f.weight) for f in applicable)
    return C.BASICALLY if share >= basically_share else C.FAILS


def _photo_path(photo, filename: str) -> str:
    return f"inspections/{photo.finding.inspection_id}/{filename}"


class InspectionPhoto(models.Model):
    """Photo evidence for a finding, checked by content; EXIF time and position kept when present."""

    finding = models.ForeignKey(InspectionFinding, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=_photo_path)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_photo_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    taken_at = models.DateTimeField(_("taken at (EXIF)"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude (EXIF)"), max_digits=9, decimal_places=6, null=True, blank=True)
    camera = models.CharField(_("camera (EXIF)"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        constraints = [models.UniqueConstraint(fields=["finding", "sha256"], name="photo_once_per_finding")]

    def __str__(self):
        return f"{self.original_name} ({self.sha256[:12]})"

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("A position needs both latitude and longitude."))
