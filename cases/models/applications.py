"""The filing application (备案申请) and what the applicant declares in it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for supplement")
    ACCEPTED = "accepted", _("Accepted")
    INSPECTING = "inspecting", _("Site inspection")
    ASSESSING = "assessing", _("Expert assessment")
    DECIDING = "deciding", _("Awaiting decision")
    ON_NOTICE = "on_notice", _("Public notice")
    FILED = "filed", _("Filed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = ApplicationState


class EvaluationMethod(models.TextChoices):
    PROCESS = "process", _("Process assessment")
    RESULT = "result", _("Result recognition")
    PERFORMANCE = "performance", _("Performance review")
    COMPETITION = "competition", _("Skills competition")
    SCHOOL = "school", _("School-enterprise cooperation")


class EvaluationStandard(models.TextChoices):
    NATIONAL = "national", _("National occupational standard")
    INDUSTRY = "industry", _("Industry or enterprise norm")
    OWN_TASKS = "own_tasks", _("Own production tasks")


class TargetPopulation(models.TextChoices):
    OWN_STAFF = "own_staff", _("Own staff")
    STUDENTS = "students", _("School-enterprise students")
    APPRENTICES = "apprentices", _("New apprentices")
    DISPATCHED = "dispatched", _("Dispatched workers")


APPLICANT_GUIDANCE = {
    S.DRAFT: _("Complete every section; the checklist below names what is still missing, then submit."),
    S.SUBMITTED: _("Submitted. The bureau checks completeness within 5 working days; nothing to do now."),
    S.RETURNED: _("Returned for supplement: fix each listed deficiency, then resubmit. The bureau's clock is paused."),
    S.ACCEPTED: _("Accepted. The bureau will schedule a site inspection and tell you the date."),
    S.INSPECTING: _("Site inspection scheduled: prepare venues, examiners and records for the inspectors."),
    S.ASSESSING: _("Experts are assessing the application; nothing to do now."),
    S.DECIDING: _("The bureau is deciding; nothing to do now."),
    S.ON_NOTICE: _("Approved and on public notice. Registration follows when the notice ends without open objections."),
    S.FILED: _("Filed. Download your filing certificate below."),
    S.REJECTED: _("Rejected. The reasons are in the notice below."),
    S.WITHDRAWN: _("Withdrawn."),
}


class FilingApplication(ConcurrentTransitionMixin, models.Model):
    """An organisation's application to be filed as a certification body."""

    number = models.CharField(_("application number"), max_length=32, unique=True)
    organisation = models.ForeignKey(
        "cases.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="applications"
    )
    state = FSMField(_("state"), default=S.DRAFT, choices=S.choices, protected=True, db_index=True)
    process = models.OneToOneField(
        "viewflow.Process", on_delete=models.SET_NULL, null=True, blank=True, related_name="filing_application"
    )
    target_populations = models.JSONField(_("target populations"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rejection_reasons = models.TextField(_("rejection reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reasons = models.TextField(_("decision reasons"), blank=True)
    notice_starts = models.DateField(_("public notice starts"), null=True, blank=True)
    notice_ends = models.DateField(_("public notice ends"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("filing application")
        verbose_name_plural = _("filing applications")
        permissions = [
            ("review_filingapplication", "Can review filing applications"),
            ("plan_inspection", "Can plan site inspections"),
            ("decide_filingapplication", "Can decide filing applications"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_editable_by_applicant(self) -> bool:
        return self.state in {S.DRAFT, S.RETURNED}

    @property
    def applicant_guidance(self) -> str:
        """What is expected from the applicant now, in one sentence."""
        return APPLICANT_GUIDANCE[self.state]

    @transition(field=state, source=[S.DRAFT, S.RETURNED], target=S.SUBMITTED)
    def submit(self):
        """The applicant submits (or resubmits) a complete application."""

    @transition(field=state, source=S.SUBMITTED, target=S.RETURNED)
    def return_for_supplement(self):
        """The clerk returns the application with itemised deficiencies."""

    @transition(field=state, source=S.SUBMITTED, target=S.ACCEPTED)
    def accept(self):
        """The clerk accepts the application as complete."""

    @transition(field=state, source=[S.SUBMITTED, S.DECIDING], target=S.REJECTED)
    def reject(self):
        """Rejected as ineligible (clerk) or on the merits (approver)."""

    @transition(field=state, source=[S.ACCEPTED, S.INSPECTING], target=S.INSPECTING)
    def plan_inspection(self):
        """The chief schedules the site inspection (again, when sent back by the approver)."""

    @transition(field=state, source=S.DECIDING, target=S.INSPECTING)
    def reinspect(self):
        """The approver sends the case back for another inspection."""

    @transition(field=state, source=S.INSPECTING, target=S.ASSESSING)
    def finish_inspection(self):
        """The inspection team leader signs the report."""

    @transition(field=state, source=S.ASSESSING, target=S.DECIDING)
    def finish_assessment(self):
        """Every expert of the panel has submitted a score."""

    @transition(field=state, source=S.DECIDING, target=S.ON_NOTICE)
    def approve(self):
        """The approver approves; the public notice begins."""

    @transition(field=state, source=S.ON_NOTICE, target=S.FILED)
    def register(self):
        """After the notice, with objections resolved, the body enters the registry."""

    @transition(field=state, source=[S.DRAFT, S.SUBMITTED, S.RETURNED], target=S.WITHDRAWN)
    def withdraw(self):
        """The applicant withdraws the application."""


class ScopeItem(models.Model):
    """One occupation (or trade) with the levels, methods and standard applied for (申报范围)."""

    application = models.ForeignKey(FilingApplication, on_delete=models.CASCADE, related_name="scope_items")
    occupation = models.ForeignKey("cases.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT)
    levels = models.JSONField(_("levels"), default=list)
    methods = models.JSONField(_("evaluation methods"), default=list)
    standard = models.CharField(_("evaluation standard"), max_length=20, choices=EvaluationStandard.choices)
    yearly_capacity = models.PositiveIntegerField(_("yearly capacity"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("scope item")
        verbose_name_plural = _("scope items")
        constraints = [
            models.UniqueConstraint(fields=["application", "occupation"], name="scope_occupation_once"),
        ]

    def __str__(self):
        return f"{self.application_id}: {self.occupation_id}"


class RosterMember(models.Model):
    """An examiner (考评员) or internal supervisor (督导员) the applicant declares."""

    class Role(models.TextChoices):
        EXAMINER = "examiner", _("Examiner")
        SUPERVISOR = "supervisor", _("Internal supervisor")

    application = models.ForeignKey(FilingApplication, on_delete=models.CASCADE, related_name="roster")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("resident ID number"), max_length=18)
    occupation = models.ForeignKey(
        "cases.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT, null=True, blank=True
    )
    qualification = models.CharField(_("qualification"), max_length=100, blank=True)

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("roster member")
        verbose_name_plural = _("roster members")

    def __str__(self):
        return self.name


class Venue(models.Model):
    """A site where assessments will be held (考核场地)."""

    application = models.ForeignKey(FilingApplication, on_delete=models.CASCADE, related_name="venues")
    address = models.CharField(_("address"), max_length=200)
    area_sqm = models.PositiveIntegerField(_("area (m²)"))
    workstations = models.PositiveIntegerField(_("workstations"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self):
        return self.address


class Attachment(models.Model):
    """A file the applicant uploads; checked by content and stored with its SHA-256."""

    class Kind(models.TextChoices):
        SELF_EVALUATION = "self_evaluation", _("Self-evaluation plan")
        MANAGEMENT_RULES = "management_rules", _("Management rules")
        BUSINESS_LICENCE = "business_licence", _("Business licence")
        COMMITMENT = "commitment", _("Commitment letter")
        OTHER = "other", _("Other")

    REQUIRED = [Kind.SELF_EVALUATION, Kind.MANAGEMENT_RULES, Kind.BUSINESS_LICENCE, Kind.COMMITMENT]

    application = models.ForeignKey(FilingApplication, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class Deficiency(models.Model):
    """One item the clerk asks the applicant to fix (补正事项), the applicant's answer and the clerk's verdict."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not answered yet")
        ANSWERED = "answered", _("Answered, to be checked")
        RESOLVED = "resolved", _("Supplemented")  # 已补正
        RAISED_AGAIN = "raised_again", _("Not resolved, raised again")

    OUTSTANDING = [Status.OPEN, Status.ANSWERED]

    application = models.ForeignKey(FilingApplication, on_delete=models.CASCADE, related_name="deficiencies")
    round = models.PositiveSmallIntegerField(_("round"))
    text = models.CharField(_("deficiency"), max_length=300)
    # The item of the clerk's checklist it came from (cases.applications.checklist), blank for a free-text one.
    item = models.CharField(_("checklist item"), max_length=40, blank=True)
    # Set when the deficiency asks for a document: the answer must bring a new attachment of this kind.
    attachment_kind = models.CharField(
        _("document asked for"), max_length=30, choices=Attachment.Kind.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(_("answer"), blank=True)
    reply_attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("attachment of the answer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_round = models.PositiveSmallIntegerField(_("checked in review round"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("deficiency")
        verbose_name_plural = _("deficiencies")

    def __str__(self):
        return self.text

    @property
    def is_outstanding(self) -> bool:
        return self.status in self.OUTSTANDING


class SupplementRound(models.Model):
    """One return for supplement (补正轮次): who returned it, what the application held then, when it came back.

    The snapshot is what the review of the resubmission compares with (cases.applications.changes).
    """

    application = models.ForeignKey(FilingApplication, on_delete=models.CASCADE, related_name="supplement_rounds")
    round = models.PositiveSmallIntegerField(_("round"))
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("returned by"), on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(_("returned at"), auto_now_add=True)
    snapshot = models.JSONField(_("the application when returned"), default=dict)
    resubmitted_at = models.DateTimeField(_("resubmitted at"), null=True, blank=True)

    class Meta:
        ordering = ["round"]
        verbose_name = _("supplement round")
        verbose_name_plural = _("supplement rounds")
        constraints = [models.UniqueConstraint(fields=["application", "round"], name="supplement_round_once")]

    def __str__(self):
        return f"{self.application_id}: {self.round}"
