"""Skill-level certificates (职业技能等级证书): assessment plans, result batches, the certificates themselves.

A filed body declares an assessment (AssessmentPlan), reports its results afterwards (ResultBatch with one
Candidate per person, imported from a file by a ResultImport job), the bureau reviews the batch and, on
approval, registers it: one Certificate per passed candidate, numbered without gaps per body, year and level.

Resident ID numbers are never stored in clear: `id_hash` (an HMAC of the normalised number, see
cases.common.identity.id_number_hash) matches a person across batches and certificates, and
`id_masked` (110***********1234) is what pages and documents show.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from cases.models.occupations import SkillLevel

# Levels counted as high-skilled talent (高技能人才): level 3 (senior worker) and above; 1 is the highest.
HIGH_SKILLED_LEVELS = (SkillLevel.LEVEL_1, SkillLevel.LEVEL_2, SkillLevel.LEVEL_3)


class CertificateIssuer(models.Model):
    """A filed body's 6-digit sequence in certificate numbers (机构序号), given at its first registration."""

    organisation = models.OneToOneField(
        "cases.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="issuer"
    )
    sequence = models.PositiveIntegerField(
        _("body sequence"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(999_999)]
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("certificate issuer")
        verbose_name_plural = _("certificate issuers")

    def __str__(self):
        return f"{self.sequence:06d} {self.organisation_id}"


class CertificateSerial(models.Model):
    """The last serial used by one body for one year and level; rows are locked while numbers are taken."""

    issuer = models.ForeignKey(CertificateIssuer, on_delete=models.PROTECT, related_name="serials")
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.PositiveSmallIntegerField(_("level"), choices=SkillLevel.choices)
    last = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("certificate serial")
        verbose_name_plural = _("certificate serials")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "level"], name="certserial_issuer_year_level"),
        ]

    def __str__(self):
        return f"{self.issuer_id}/{self.year}/{self.level}: {self.last}"


class AssessmentPlan(models.Model):
    """An assessment a filed body declares before holding it (认定计划)."""

    number = models.CharField(_("plan number"), max_length=32, unique=True)
    organisation = models.ForeignKey(
        "cases.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="assessment_plans"
    )
    filing = models.ForeignKey(
        "cases.Filing", verbose_name=_("filing"), on_delete=models.PROTECT, related_name="assessment_plans"
    )
    occupation = models.ForeignKey("cases.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT)
    level = models.PositiveSmallIntegerField(_("level"), choices=SkillLevel.choices)
    assessment_date = models.DateField(_("assessment date"))
    venue = models.ForeignKey("cases.Venue", verbose_name=_("venue"), on_delete=models.PROTECT, related_name="+")
    expected_candidates = models.PositiveIntegerField(
        _("expected candidates"), validators=[MinValueValidator(1), MaxValueValidator(200_000)]
    )
    examiners = models.ManyToManyField("cases.RosterMember", verbose_name=_("examiners"), related_name="+")
    internal_supervisor = models.ForeignKey(
        "cases.RosterMember", verbose_name=_("internal supervisor"), on_delete=models.PROTECT, related_name="+"
    )
    results_due = models.DateField(_("results due"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-assessment_date", "-pk"]
        verbose_name = _("assessment plan")
        verbose_name_plural = _("assessment plans")
        indexes = [models.Index(fields=["organisation", "-assessment_date"], name="plan_org_date_idx")]

    def __str__(self):
        return self.number


class BatchState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for registration")
    RETURNED = "returned", _("Returned for correction")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Rejected")


class ResultBatch(ConcurrentTransitionMixin, models.Model):
    """The results of one assessment, reported by the body for registration (认定结果报送)."""

    number = models.CharField(_("batch number"), max_length=32, unique=True)
    plan = models.OneToOneField(
        AssessmentPlan, verbose_name=_("assessment plan"), on_delete=models.PROTECT, related_name="batch"
    )
    organisation = models.ForeignKey(
        "cases.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="result_batches"
    )
    state = FSMField(_("state"), default=BatchState.DRAFT, choices=BatchState.choices, protected=True, db_index=True)
    process = models.OneToOneField(
        "viewflow.Process", on_delete=models.SET_NULL, null=True, blank=True, related_name="result_batch"
    )
    candidate_count = models.PositiveIntegerField(_("candidates"), default=0)
    passed_count = models.PositiveIntegerField(_("passed"), default=0)
    source_name = models.CharField(_("imported file"), max_length=200, blank=True)
    source_sha256 = models.CharField(_("SHA-256 of the imported file"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_late = models.BooleanField(_("reported after the deadline"), default=False)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    fix_due = models.DateField(_("correction due"), null=True, blank=True)
    return_reasons = models.JSONField(_("reasons for return"), default=list, blank=True)
    rejection_reasons = models.TextField(_("reasons for rejection"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("result batch")
        verbose_name_plural = _("result batches")
        permissions = [("review_resultbatch", "Can review and register certificate result batches")]
        indexes = [models.Index(fields=["organisation", "state"], name="batch_org_state_idx")]

    def __str__(self):
        return self.number

    @property
    def is_editable_by_body(self) -> bool:
        return self.state in {BatchState.DRAFT, BatchState.RETURNED}

    @transition(field=state, source=[BatchState.DRAFT, BatchState.RETURNED], target=BatchState.SUBMITTED)
    def submit(self):
        """The body submits (or resubmits) the batch for registration."""

    @transition(field=state, source=BatchState.SUBMITTED, target=BatchState.RETURNED)
    def return_for_fix(self):
        """The regulator returns the batch with reasons; the body corrects and resubmits."""

    @transition(field=state, source=BatchState.SUBMITTED, target=BatchState.REGISTERED)
    def register(self):
        """The regulator approves; certificates are issued."""

    @transition(field=state, source=BatchState.SUBMITTED, target=BatchState.REJECTED)
    def reject(self):
        """The regulator refuses to register the batch."""


class ResultImport(models.Model):
    """One upload of a results file and its validation, run as a background job."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Checking rows")
        FAILED = "failed", _("Rejected: some rows have problems")
        DONE = "done", _("Imported")
        ERROR = "error", _("Stopped by an error")

    FINISHED = (Status.FAILED, Status.DONE, Status.ERROR)

    batch = models.ForeignKey(ResultBatch, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    imported_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("result import")
        verbose_name_plural = _("result imports")

    def __str__(self):
        return f"{self.batch_id}: {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int | None:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return None
        return min(99, int(self.processed_rows * 100 / self.total_rows))


class ImportProblem(models.Model):
    """One bad row (or a problem with the whole file) found by an import; rendered in the reader's language."""

    job = models.ForeignKey(ResultImport, on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveIntegerField(_("line"))  # 0: the file as a whole
    column = models.CharField(_("column"), max_length=30, blank=True)
    code = models.CharField(_("problem"), max_length=40)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["line", "pk"]
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        indexes = [models.Index(fields=["job", "line"], name="importproblem_job_line_idx")]

    def __str__(self):
        return f"{self.line}: {self.code}"


class Candidate(models.Model):
    """One person's result in a batch. Rows being checked belong to their import job and no batch yet."""

    batch = models.ForeignKey(ResultBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="candidates")
    staged_by = models.ForeignKey(ResultImport, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    line = models.PositiveIntegerField(_("line"))
    name = models.CharField(_("name"), max_length=50)
    id_hash = models.CharField(_("ID number (keyed hash)"), max_length=64)
    id_masked = models.CharField(_("resident ID number"), max_length=18)
    theory_score = models.DecimalField(_("theory score"), max_digits=4, decimal_places=1, null=True, blank=True)
    practical_score = models.DecimalField(_("practical score"), max_digits=4, decimal_places=1, null=True, blank=True)
    review_score = models.DecimalField(_("review score"), max_digits=4, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("passed"))

    class Meta:
        ordering = ["line"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        indexes = [
            models.Index(fields=["batch", "line"], name="candidate_batch_line_idx"),
            models.Index(fields=["staged_by", "id_hash"], name="candidate_staged_hash_idx"),
            models.Index(fields=["id_hash"], name="candidate_hash_idx"),
        ]
        constraints = [
            # Staged rows have no batch (NULLs never collide); inside a batch a person appears once.
            models.UniqueConstraint(fields=["batch", "id_hash"], name="candidate_once_per_batch"),
        ]

    def __str__(self):
        return f"{self.line} {self.name}"


class CertificateState(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class Certificate(ConcurrentTransitionMixin, models.Model):
    """A registered skill-level certificate (职业技能等级证书) held by one person."""

    number = models.CharField(_("certificate number"), max_length=22, unique=True)
    # The QR code carries this random token rather than the number alone, so that scanning one
    # certificate tells nothing about its neighbours and numbers cannot be walked through the link.
    verify_token = models.CharField(max_length=32, unique=True)
    batch = models.ForeignKey(ResultBatch, on_delete=models.PROTECT, related_name="certificates")
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="certificate")
    organisation = models.ForeignKey(
        "cases.Organisation", verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="certificates"
    )
    occupation = models.ForeignKey("cases.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT)
    level = models.PositiveSmallIntegerField(_("level"), choices=SkillLevel.choices)
    holder_name = models.CharField(_("holder"), max_length=50)
    id_hash = models.CharField(_("ID number (keyed hash)"), max_length=64)
    id_masked = models.CharField(_("resident ID number"), max_length=18)
    issued_on = models.DateField(_("issued on"))
    year = models.PositiveSmallIntegerField(_("year"))
    # Copied from the body at registration, so that statistics are single-table aggregates.
    district = models.ForeignKey("cases.District", verbose_name=_("district"), on_delete=models.PROTECT)
    body_kind = models.CharField(_("body kind"), max_length=20)
    body_category = models.CharField(_("body category"), max_length=20)
    status = FSMField(
        _("status"), default=CertificateState.VALID, choices=CertificateState.choices, protected=True, db_index=True
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("skill-level certificate")
        verbose_name_plural = _("skill-level certificates")
        permissions = [
            ("revoke_certificate", "Can revoke skill-level certificates"),
            ("view_certificate_statistics", "Can view certificate statistics"),
        ]
        indexes = [
            models.Index(fields=["id_hash", "occupation", "level"], name="certificate_person_idx"),
            models.Index(fields=["batch", "number"], name="certificate_batch_idx"),
            models.Index(fields=["organisation", "-issued_on"], name="certificate_org_idx"),
            models.Index(fields=["year", "status"], name="certificate_year_idx"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_high_skilled(self) -> bool:
        return self.level in HIGH_SKILLED_LEVELS

    @transition(field=status, source=CertificateState.VALID, target=CertificateState.REVOKED)
    def revoke(self):
        """Revoked with a reason by the issuing body or the regulator; verification then says so."""


class CertificateExport(models.Model):
    """A ZIP of a registered batch's certificates as PDFs, generated in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Generating")
        DONE = "done", _("Ready")
        ERROR = "error", _("Stopped by an error")

    batch = models.ForeignKey(ResultBatch, on_delete=models.CASCADE, related_name="exports")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("certificates"), default=0)
    done = models.PositiveIntegerField(_("generated"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    message = models.TextField(_("message"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("certificate download")
        verbose_name_plural = _("certificate downloads")

    def __str__(self):
        return f"{self.batch_id}: {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.ERROR)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, int(self.done * 100 / self.total)) if self.total else 0
