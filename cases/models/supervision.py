"""Supervision of filed bodies (监督管理): random campaigns, complaints, cases, rectification, sanctions,
annual reports."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from cases.models.occupations import SkillLevel


class SupervisionCampaign(ConcurrentTransitionMixin, models.Model):
    """A random inspection campaign (双随机一公开): random bodies x random inspectors, results published."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DRAWN = "drawn", _("Drawn, inspections under way")
        CLOSED = "closed", _("Closed, results published")

    number = models.CharField(_("campaign number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Population filter; an empty list means "any".
    districts = models.ManyToManyField("cases.District", verbose_name=_("districts"), blank=True, related_name="+")
    kinds = models.JSONField(_("kinds of organisation"), default=list, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    occupations = models.ManyToManyField(
        "cases.Occupation", verbose_name=_("occupations"), blank=True, related_name="+"
    )
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    sample_ratio = models.PositiveSmallIntegerField(
        _("sample ratio (%)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    inspector_pool = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector pool"), related_name="+"
    )
    inspectors_per_case = models.PositiveSmallIntegerField(
        _("inspectors per body"), default=2, validators=[MinValueValidator(2), MaxValueValidator(5)]
    )
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    # The draw, recorded so that anyone can replay it (cases.supervision.services.campaigns.draw_sample): the seed,
    # the population and pool as they were (sorted ids), the inspectors excluded per body for conflicts,
    # and the result.
    seed = models.CharField(_("random seed"), max_length=64, blank=True)
    population = models.JSONField(_("population drawn from"), default=list, blank=True)
    pool = models.JSONField(_("inspector pool drawn from"), default=list, blank=True)
    exclusions = models.JSONField(_("conflict exclusions"), default=dict, blank=True)
    draw = models.JSONField(_("draw result"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    results_summary = models.TextField(_("summary of results"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("supervision campaign")
        verbose_name_plural = _("supervision campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sample_size__isnull=False, sample_ratio__isnull=True)
                | models.Q(sample_size__isnull=True, sample_ratio__isnull=False),
                name="campaign_size_or_ratio",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    @transition(field=state, source=State.DRAFT, target=State.DRAWN)
    def record_draw(self):
        """Bodies and inspectors have been drawn; one supervision case per body is open."""

    @transition(field=state, source=State.DRAWN, target=State.CLOSED)
    def close(self):
        """Every case is closed; the results are public."""


class CaseState(models.TextChoices):
    OPENED = "opened", _("Opened")
    INSPECTING = "inspecting", _("Inspection")
    FINDINGS = "findings", _("Findings to decide")
    RECTIFYING = "rectifying", _("Rectification by the body")
    VERIFYING = "verifying", _("Verifying rectification")
    SANCTIONING = "sanctioning", _("Sanction")
    CLOSED = "closed", _("Closed")


C = CaseState


class SupervisionCase(ConcurrentTransitionMixin, models.Model):
    """One supervision case (监管案件) about one filed body."""

    class Trigger(models.TextChoices):
        CAMPAIGN = "campaign", _("Random inspection campaign")
        COMPLAINT = "complaint", _("Complaint")
        LATE_REPORT = "late_report", _("Late annual report")
        REPORT_ANOMALY = "report_anomaly", _("Anomalies in the annual report")
        INACTIVITY = "inactivity", _("No assessment in 12 months")
        OTHER = "other", _("Other")

    class Conclusion(models.TextChoices):
        NO_PROBLEMS = "no_problems", _("No problems found")
        PROBLEMS = "problems", _("Problems found")

    class Outcome(models.TextChoices):
        NO_ACTION = "no_action", _("No action needed")
        RECTIFIED = "rectified", _("Rectified")
        SANCTIONED = "sanctioned", _("Sanctioned")
        DISMISSED = "dismissed", _("Closed without inspection")

    number = models.CharField(_("case number"), max_length=32, unique=True)
    filing = models.ForeignKey(
        "cases.Filing", verbose_name=_("filed body"), on_delete=models.PROTECT, related_name="supervision_cases"
    )
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    # What opened the case, for the periodic job's idempotency: one case per late year, per anomalous
    # report, per period of inactivity.
    trigger_key = models.CharField(_("trigger key"), max_length=50, blank=True)
    campaign = models.ForeignKey(
        SupervisionCampaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    annual_report = models.ForeignKey(
        "cases.AnnualReport",
        verbose_name=_("annual report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    summary = models.TextField(_("reason for the case"))
    state = FSMField(_("state"), default=C.OPENED, choices=C.choices, protected=True, db_index=True)
    process = models.OneToOneField(
        "viewflow.Process", on_delete=models.SET_NULL, null=True, blank=True, related_name="supervision_case"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    inspection_date = models.DateField(_("inspection date"), null=True, blank=True)
    actual_inspection_date = models.DateField(_("actual inspection date"), null=True, blank=True)
    actual_date_reason = models.TextField(_("why the inspection took place on another day"), blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), blank=True, related_name="supervision_cases"
    )
    conclusion = models.CharField(_("conclusion"), max_length=20, choices=Conclusion.choices, blank=True)
    findings = models.JSONField(_("findings"), default=list, blank=True)
    findings_summary = models.TextField(_("inspection summary"), blank=True)
    findings_recorded_at = models.DateTimeField(_("findings recorded at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("supervision case")
        verbose_name_plural = _("supervision cases")
        permissions = [
            ("supervise_filings", "Can supervise filed bodies"),
            ("sanction_filings", "Can impose sanctions on filed bodies"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["filing", "trigger", "trigger_key"],
                condition=~models.Q(trigger_key=""),
                name="supervision_case_trigger_once",
            ),
        ]

    def __str__(self):
        return self.number

    @transition(field=state, source=C.OPENED, target=C.INSPECTING)
    def plan_inspection(self):
        """The supervisor dates the inspection (the team is drawn or chosen)."""

    @transition(field=state, source=C.OPENED, target=C.CLOSED)
    def dismiss(self):
        """Closed without inspection, e.g. a complaint without grounds."""

    @transition(field=state, source=C.INSPECTING, target=C.FINDINGS)
    def record_findings(self):
        """The team leader records what the inspection found."""

    @transition(field=state, source=[C.FINDINGS, C.VERIFYING, C.SANCTIONING], target=C.CLOSED)
    def close(self):
        """Nothing (more) to do; from sanctioning when the body was meanwhile revoked by another case."""

    @transition(field=state, source=[C.FINDINGS, C.VERIFYING], target=C.RECTIFYING)
    def order_rectification(self):
        """A rectification order (整改通知) with items and a deadline goes to the body."""

    @transition(field=state, source=C.RECTIFYING, target=C.VERIFYING)
    def respond(self):
        """The body answers the order with evidence."""

    @transition(field=state, source=C.RECTIFYING, target=C.VERIFYING)
    def lapse(self):
        """The deadline passed without an answer; the supervisor decides what follows."""

    @transition(field=state, source=[C.FINDINGS, C.VERIFYING], target=C.SANCTIONING)
    def start_sanction(self):
        """The findings call for a sanction."""

    @transition(field=state, source=C.SANCTIONING, target=C.CLOSED)
    def sanction(self):
        """The sanction decision (处理决定) is issued."""

    @property
    def inspected_on(self):
        """The day the inspection took place: the actual date when one was recorded, else the planned one."""
        return self.actual_inspection_date or self.inspection_date

    @property
    def open_order(self):
        """The pending rectification order, if any (uses the prefetched orders when present)."""
        return next((order for order in self.orders.all() if order.status == RectificationOrder.Status.PENDING), None)


class RectificationOrder(models.Model):
    """A rectification order (整改通知) with items and a deadline in working days."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the body's response")
        RESPONDED = "responded", _("Responded")
        LAPSED = "lapsed", _("Deadline missed")
        ACCEPTED = "accepted", _("Rectification accepted")
        REJECTED = "rejected", _("Rectification not accepted")

    case = models.ForeignKey(SupervisionCase, on_delete=models.CASCADE, related_name="orders")
    round = models.PositiveSmallIntegerField(_("round"))
    working_days = models.PositiveSmallIntegerField(_("working days allowed"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    response = models.TextField(_("response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)

    class Meta:
        ordering = ["case", "round"]
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="rectification_round_once")]
        indexes = [models.Index(fields=["status", "deadline"], name="rectification_due_idx")]

    def __str__(self):
        return f"{self.case_id}/{self.round}"


class RectificationItem(models.Model):
    """One thing the body must put right, and its answer."""

    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("item"), max_length=500)
    answer = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")

    def __str__(self):
        return self.text


class RectificationEvidence(models.Model):
    """A file the body uploads as evidence of rectification; checked by content, stored with its SHA-256."""

    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="rectification/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("rectification evidence")
        verbose_name_plural = _("rectification evidence")

    def __str__(self):
        return self.original_name


class Sanction(models.Model):
    """The sanction decision (处理决定) closing a case: suspend one or more occupations, the body, or revoke."""

    class Measure(models.TextChoices):
        SUSPEND_SCOPE = "suspend_scope", _("Suspend occupations")
        SUSPEND_BODY = "suspend_body", _("Suspend the body")
        REVOKE = "revoke", _("Revoke the filing")

    case = models.OneToOneField(SupervisionCase, on_delete=models.PROTECT, related_name="sanction_decision")
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    scopes = models.ManyToManyField("cases.FilingScope", verbose_name=_("occupations"), blank=True, related_name="+")
    reasons = models.TextField(_("reasons"))
    effective_on = models.DateField(_("effective on"))
    banned_until = models.DateField(_("re-filing banned until"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")

    def __str__(self):
        return f"{self.case_id}: {self.measure}"


class Complaint(models.Model):
    """A complaint or report (投诉举报) about a filed body; recording one opens a supervision case."""

    class Source(models.TextChoices):
        HOTLINE = "hotline", _("12333 hotline")
        LETTER = "letter", _("Letter or visit")
        ONLINE = "online", _("Online platform")
        REFERRAL = "referral", _("Referral from another authority")
        MEDIA = "media", _("Media report")
        OTHER = "other", _("Other")

    filing = models.ForeignKey(
        "cases.Filing", verbose_name=_("filed body"), on_delete=models.PROTECT, related_name="complaints"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    complainant = models.CharField(_("complainant"), max_length=100, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    content = models.TextField(_("content"))
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    case = models.OneToOneField(
        SupervisionCase,
        verbose_name=_("supervision case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint",
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self):
        return f"{self.filing_id}: {self.content[:30]}"


class AnnualReport(models.Model):
    """A filed body's yearly report (年度报告) on the assessments it held."""

    filing = models.ForeignKey(
        "cases.Filing", verbose_name=_("filed body"), on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    examiners = models.PositiveIntegerField(_("examiners"))
    internal_supervisors = models.PositiveIntegerField(_("internal supervisors"), default=0)
    problems = models.TextField(_("problems and measures"), blank=True)
    # Totals over the lines, kept for the regulator's list.
    assessments = models.PositiveIntegerField(_("assessments held"), default=0)
    candidates = models.PositiveIntegerField(_("candidates"), default=0)
    certificates = models.PositiveIntegerField(_("certificates issued"), default=0)
    anomalies = models.JSONField(_("anomalies"), default=list, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-submitted_at"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [models.UniqueConstraint(fields=["filing", "year"], name="annual_report_once_a_year")]

    def __str__(self):
        return f"{self.filing_id} {self.year}"


class AnnualReportLine(models.Model):
    """Assessments held for one occupation and level during the year."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="lines")
    occupation = models.ForeignKey("cases.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT)
    level = models.PositiveSmallIntegerField(_("level"), choices=SkillLevel.choices)
    assessments = models.PositiveIntegerField(_("assessments held"))
    candidates = models.PositiveIntegerField(_("candidates"))
    certificates = models.PositiveIntegerField(_("certificates issued"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("annual report line")
        verbose_name_plural = _("annual report lines")
        constraints = [
            models.UniqueConstraint(fields=["report", "occupation", "level"], name="annual_report_line_once"),
        ]

    def __str__(self):
        return f"{self.report_id}: {self.occupation_id}/{self.level}"
