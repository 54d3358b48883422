"""Public selection (遴选) of social training evaluation organisations: calls, applications, scores, objections.

The bureau announces a call (遴选公告) for occupations x levels with a quota each; organisations apply within
its window with a filing draft of their own (the filing application's sections) and the facts the call asks
them to declare; the clerk checks eligibility, a drawn panel scores every eligible application blind against a
versioned rubric, the ranking per occupation x level follows, the chief confirms the list, it is published
for a period with objections, and the selected organisations continue into the filing flow.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from cases.models.inspections import VersionedStandard
from cases.models.occupations import SkillLevel


class SelectionRubric(VersionedStandard):
    """One version of the selection scoring rubric (遴选评分标准); criteria weights add up to 100."""

    class Meta(VersionedStandard.Meta):
        verbose_name = _("selection rubric")
        verbose_name_plural = _("selection rubrics")

    def publication_problems(self) -> list[str]:
        criteria = list(self.criteria.all())
        if not criteria:
            return [str(_("A rubric needs at least one criterion."))]
        total = sum(c.weight for c in criteria)
        if total != 100:
            return [str(_("The criteria weights add up to %(total)d; they must add up to 100.") % {"total": total})]
        return []


class SelectionCriterion(models.Model):
    rubric = models.ForeignKey(SelectionRubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("criterion"), max_length=10)
    text = models.CharField(_("description"), max_length=300)
    guidance = models.TextField(_("scoring guidance"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="selection_criterion_code_once")]

    def __str__(self):
        return f"{self.code} {self.text} ({self.weight}%)"


class CallState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    LISTED = "listed", _("List on publication")
    CONCLUDED = "concluded", _("Concluded")


class TieRule(models.TextChoices):
    """How equal panel results are ordered; any tie left after it goes by the earlier submission."""

    CRITERION = "criterion", _("Higher mean score on the named criterion")
    CAPACITY = "capacity", _("Larger declared yearly capacity for the occupation")
    EXAMINERS = "examiners", _("More qualified examiners for the occupation")
    SUBMITTED = "submitted", _("Earlier submission")


class Continuation(models.TextChoices):
    """Where a selected organisation's application continues in the filing flow."""

    INSPECTION = "inspection", _("At the site inspection")
    REGISTRATION = (
        "registration",
        _("Straight to registration (the selection review replaces inspection and assessment)"),
    )


C = CallState


class SelectionCall(ConcurrentTransitionMixin, models.Model):
    """A call for applications (遴选公告): what is wanted, who may apply, how applications are compared."""

    number = models.CharField(_("call number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("purpose and scope"), blank=True)
    state = FSMField(_("state"), default=C.DRAFT, choices=C.choices, protected=True, db_index=True)
    window_opens = models.DateField(_("applications open on"))
    window_closes = models.DateField(_("applications close on"))
    publication_days = models.PositiveSmallIntegerField(
        _("publication period (working days)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    # Eligibility conditions (资格条件)
    min_years_established = models.PositiveSmallIntegerField(_("years established, at least"), default=3)
    min_capacity = models.PositiveIntegerField(
        _("yearly evaluation capacity per occupation (person-times), at least"), default=0
    )
    min_examiners = models.PositiveSmallIntegerField(
        _("qualified examiners per occupation, at least"), default=1, validators=[MinValueValidator(1)]
    )
    min_venues = models.PositiveSmallIntegerField(
        _("assessment venues, at least"), default=1, validators=[MinValueValidator(1)]
    )
    clean_record_years = models.PositiveSmallIntegerField(_("no sanction or revocation in the last (years)"), default=3)
    require_good_credit = models.BooleanField(_("good credit required"), default=True)
    # Comparative review
    rubric = models.ForeignKey(
        SelectionRubric, verbose_name=_("scoring rubric"), on_delete=models.PROTECT, related_name="calls"
    )
    panel_size = models.PositiveSmallIntegerField(
        _("experts on the panel"), default=3, validators=[MinValueValidator(3), MaxValueValidator(15)]
    )
    pass_mark = models.DecimalField(
        _("lowest result that can be selected"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    tie_rule = models.CharField(_("tie rule"), max_length=20, choices=TieRule.choices, default=TieRule.CRITERION)
    tie_criterion = models.CharField(
        _("criterion of the tie rule"), max_length=10, blank=True, help_text=_("The rubric criterion code, e.g. S1.")
    )
    continuation = models.CharField(
        _("selected organisations continue"),
        max_length=20,
        choices=Continuation.choices,
        default=Continuation.INSPECTION,
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("list confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    publication_starts = models.DateField(_("list published on"), null=True, blank=True)
    publication_ends = models.DateField(_("publication ends on"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-window_opens", "-id"]
        verbose_name = _("selection call")
        verbose_name_plural = _("selection calls")
        permissions = [
            ("manage_selectioncall", "Can create, amend and publish selection calls"),
            ("check_selection_eligibility", "Can check the eligibility of selection applications"),
            ("conduct_selection", "Can draw selection panels, confirm and conclude selections"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_closes__gte=models.F("window_opens")), name="selectioncall_window_order"
            ),
            models.CheckConstraint(condition=models.Q(panel_size__gte=3), name="selectioncall_panel_size"),
        ]

    def __str__(self):
        return self.number

    def clean(self):
        if self.window_opens and self.window_closes and self.window_closes < self.window_opens:
            raise ValidationError({"window_closes": _("The window cannot close before it opens.")})
        if self.tie_rule == TieRule.CRITERION and not self.tie_criterion:
            raise ValidationError({"tie_criterion": _("Name the criterion the tie rule compares.")})

    @property
    def is_public(self) -> bool:
        return self.state != C.DRAFT

    def window_phase(self, today) -> str:
        """Where the application window stands on `today`: "upcoming", "open" or "closed"."""
        if today < self.window_opens:
            return "upcoming"
        if today > self.window_closes:
            return "closed"
        return "open"

    def amendable_on(self, today) -> bool:
        """A published call can be amended until its window opens."""
        return self.state == C.PUBLISHED and today < self.window_opens

    @transition(field=state, source=C.DRAFT, target=C.PUBLISHED)
    def publish(self):
        """The bureau publishes the call; it is listed on /selections/."""

    @transition(field=state, source=C.PUBLISHED, target=C.LISTED)
    def confirm_list(self):
        """The chief confirms the list; its publication period begins."""

    @transition(field=state, source=C.LISTED, target=C.CONCLUDED)
    def conclude(self):
        """After the publication period the selection is final."""


class SelectionLot(models.Model):
    """One occupation x level wanted by a call and how many organisations it wants for it (名额)."""

    call = models.ForeignKey(SelectionCall, on_delete=models.CASCADE, related_name="lots")
    occupation = models.ForeignKey("cases.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT)
    level = models.PositiveSmallIntegerField(_("level"), choices=SkillLevel.choices)
    quota = models.PositiveSmallIntegerField(
        _("organisations wanted"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["occupation__code", "level", "id"]
        verbose_name = _("selection lot")
        verbose_name_plural = _("selection lots")
        constraints = [
            models.UniqueConstraint(fields=["call", "occupation", "level"], name="selection_lot_once"),
            models.CheckConstraint(condition=models.Q(quota__gte=1), name="selection_lot_quota"),
        ]

    def __str__(self):
        return f"{self.occupation} · {self.get_level_display()}"


class SelectionAmendment(models.Model):
    """A change to a published call before its window opened (更正公告), with what changed."""

    call = models.ForeignKey(SelectionCall, on_delete=models.CASCADE, related_name="amendments")
    round = models.PositiveSmallIntegerField(_("amendment"))
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"), default=list)  # [{"field": label, "old": text, "new": text}]
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        ordering = ["round"]
        verbose_name = _("call amendment")
        verbose_name_plural = _("call amendments")
        constraints = [models.UniqueConstraint(fields=["call", "round"], name="selection_amendment_round_once")]

    def __str__(self):
        return f"{self.call_id} #{self.round}"


class SelectionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


A = SelectionState


class SelectionApplication(ConcurrentTransitionMixin, models.Model):
    """An organisation's application to a call (遴选申报): a filing draft of its own plus the declared facts."""

    # The number of the filing draft it comes with: the case keeps one number from the call to the registry.
    number = models.CharField(_("application number"), max_length=32, unique=True)
    call = models.ForeignKey(SelectionCall, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        "cases.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    # The sections (scope, roster, venues, attachments) live in this filing draft, edited through the filing
    # application's own services; once selected, the draft continues into the filing flow.
    filing = models.OneToOneField(
        "cases.FilingApplication", verbose_name=_("filing draft"), on_delete=models.PROTECT, related_name="selection"
    )
    state = FSMField(_("state"), default=A.DRAFT, choices=A.choices, protected=True, db_index=True)
    process = models.OneToOneField(
        "viewflow.Process", on_delete=models.SET_NULL, null=True, blank=True, related_name="selection_application"
    )
    # Facts the call asks the organisation to declare (承诺事项)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    good_credit = models.BooleanField(_("not on any list of seriously dishonest entities"), default=False)
    clean_record = models.BooleanField(_("no sanction or revocation in the period the call names"), default=False)
    truthful = models.BooleanField(_("the declared facts and materials are true"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    sections_digest = models.CharField(_("SHA-256 of the sections as submitted"), max_length=64, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eligibility checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("eligibility checked at"), null=True, blank=True)
    eligibility_reasons = models.TextField(_("reasons of the eligibility check"), blank=True)
    result = models.DecimalField(_("panel result"), max_digits=5, decimal_places=2, null=True, blank=True)
    spread = models.DecimalField(_("spread of the totals"), max_digits=5, decimal_places=2, null=True, blank=True)
    disagreement = models.BooleanField(_("panel disagreement"), default=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    outcome_reasons = models.TextField(_("reasons of the outcome"), blank=True)

    class Meta:
        ordering = ["call", "submitted_at", "id"]
        verbose_name = _("selection application")
        verbose_name_plural = _("selection applications")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organisation"],
                condition=~models.Q(state="withdrawn"),
                name="selection_application_once_per_call",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_editable(self) -> bool:
        return self.state == A.DRAFT

    @transition(field=state, source=A.DRAFT, target=A.SUBMITTED)
    def submit(self):
        """The organisation submits within the call's window."""

    @transition(field=state, source=A.SUBMITTED, target=A.ELIGIBLE)
    def find_eligible(self):
        """The clerk finds the organisation eligible; it goes to the panel."""

    @transition(field=state, source=A.SUBMITTED, target=A.INELIGIBLE)
    def find_ineligible(self):
        """The clerk finds a condition unmet; the organisation is told why."""

    @transition(field=state, source=A.ELIGIBLE, target=A.SELECTED)
    def select(self):
        """On the final list after the publication period; the application continues into the filing flow."""

    @transition(field=state, source=A.ELIGIBLE, target=A.NOT_SELECTED)
    def reject(self):
        """Not on the final list; the organisation is told why."""

    @transition(field=state, source=[A.DRAFT, A.SUBMITTED], target=A.WITHDRAWN)
    def withdraw(self):
        """The organisation withdraws before the window closes."""


class SelectionEntry(models.Model):
    """An application competing in one lot (occupation x level): its rank and whether it is selected."""

    application = models.ForeignKey(SelectionApplication, on_delete=models.CASCADE, related_name="entries")
    lot = models.ForeignKey(SelectionLot, on_delete=models.PROTECT, related_name="entries")
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    tied = models.BooleanField(_("equal result, ordered by the tie rule"), default=False)
    proposed = models.BooleanField(_("proposed for selection"), default=False)
    selected = models.BooleanField(_("selected"), default=False)
    change_reason = models.TextField(_("reason for the change by the chief"), blank=True)

    class Meta:
        ordering = ["lot", "rank", "id"]
        verbose_name = _("selection entry")
        verbose_name_plural = _("selection entries")
        constraints = [models.UniqueConstraint(fields=["application", "lot"], name="selection_entry_once")]

    def __str__(self):
        return f"{self.application_id} @ {self.lot_id}"

    @property
    def changed(self) -> bool:
        return self.selected != self.proposed


class SelectionPanel(models.Model):
    """The expert panel that scores every eligible application of one call (遴选评审专家组)."""

    call = models.OneToOneField(SelectionCall, on_delete=models.CASCADE, related_name="panel")
    rubric = models.ForeignKey(SelectionRubric, verbose_name=_("rubric version"), on_delete=models.PROTECT)
    experts = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("experts"), related_name="+")
    trim_from = models.PositiveSmallIntegerField(_("drop highest and lowest from"), default=5)
    disagreement_margin = models.DecimalField(
        _("disagreement margin"), max_digits=5, decimal_places=2, default=Decimal("15")
    )
    # The draw (随机抽取), replayable: the selection is a pure function of seed, eligible and seats.
    seed = models.CharField(_("seed"), max_length=64)
    algorithm = models.CharField(_("algorithm"), max_length=32)
    criteria = models.JSONField(_("criteria"), default=dict)
    pool = models.JSONField(_("pool"), default=list)
    eligible = models.JSONField(_("eligible"), default=list)
    excluded = models.JSONField(_("exclusions"), default=list)
    selected = models.JSONField(_("selected"), default=list)
    digest = models.CharField(_("digest (SHA-256)"), max_length=64)
    formed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    formed_at = models.DateTimeField(_("formed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("selection panel")
        verbose_name_plural = _("selection panels")

    def __str__(self):
        return f"panel of {self.call_id}"


class SelectionScore(models.Model):
    """One expert's blind score of one application."""

    application = models.ForeignKey(SelectionApplication, on_delete=models.CASCADE, related_name="scores")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.PROTECT)
    total = models.DecimalField(
        _("total score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("selection score")
        verbose_name_plural = _("selection scores")
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="selection_score_once")]

    def __str__(self):
        return f"{self.expert_id}: {self.total}"


class SelectionCriterionScore(models.Model):
    score = models.ForeignKey(SelectionScore, on_delete=models.CASCADE, related_name="criteria")
    criterion = models.ForeignKey(SelectionCriterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(
        _("score (0-100)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["criterion__position", "criterion__code"]
        verbose_name = _("selection criterion score")
        verbose_name_plural = _("selection criterion scores")
        constraints = [models.UniqueConstraint(fields=["score", "criterion"], name="selection_criterion_score_once")]

    def __str__(self):
        return f"{self.criterion_id}: {self.points}"


class SelectionObjection(models.Model):
    """An objection to a published selection list (公示异议); the chief resolves it before the selection is final."""

    class Source(models.TextChoices):
        RECORDED = "recorded", _("Recorded by the bureau")
        ONLINE = "online", _("Submitted online")

    call = models.ForeignKey(SelectionCall, on_delete=models.CASCADE, related_name="objections")
    application = models.ForeignKey(
        SelectionApplication,
        verbose_name=_("concerning"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objections",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.RECORDED)
    raised_by = models.CharField(_("raised by"), max_length=100)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    content = models.TextField(_("content"))
    evidence = models.FileField(_("evidence"), upload_to="objections/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    evidence_content_type = models.CharField(_("evidence content type"), max_length=50, blank=True)
    evidence_sha256 = models.CharField(_("evidence SHA-256"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("selection objection")
        verbose_name_plural = _("selection objections")

    def __str__(self):
        return f"{self.raised_by}: {self.content[:30]}"
