"""Clocks and messages: calendar overrides, step time limits, task deadlines, notifications, failed jobs."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A day whose working status the regulator fixes by hand (工作日调整).

    Wins over the statutory calendar from the `holidays` package: enter the State Council's
    make-up days for a year the package does not know yet, or an ad-hoc closure.
    """

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("Working day (make-up or extra working day)")
        HOLIDAY = "holiday", _("Day off (closure or holiday)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(
        _("reason"), max_length=200, help_text=_("For example the State Council notice or the cause of the closure.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["workday", "holiday"]), name="calendaroverride_kind"),
        ]

    def __str__(self):
        return f"{self.date.isoformat()} {self.get_kind_display()}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.WORKDAY


class StepCode(models.TextChoices):
    """The steps whose time limit is counted in working days."""

    REVIEW = "review", _("Completeness review")
    SUPPLEMENT = "supplement", _("Supplement response")
    INSPECTION = "inspection", _("Site inspection")
    ASSESSMENT = "assessment", _("Expert assessment")
    DECISION = "decision", _("Decision")
    NOTICE = "notice", _("Public notice")
    BATCH_REVIEW = "batch_review", _("Result-batch review")
    BATCH_FIX = "batch_fix", _("Result-batch fix")
    SEAT_ANSWER = "seat_answer", _("Seat confirmation")
    SUPERVISION_PLAN = "supervision_plan", _("Supervision: planning the inspection")
    SUPERVISION_INSPECTION = "supervision_inspection", _("Supervision: the inspection")
    SUPERVISION_DECISION = "supervision_decision", _("Supervision: decision on the findings")
    SUPERVISION_VERIFY = "supervision_verify", _("Supervision: verifying the rectification")
    SUPERVISION_SANCTION = "supervision_sanction", _("Supervision: sanction decision")
    SELECTION_ELIGIBILITY = "selection_eligibility", _("Selection: eligibility check")
    SELECTION_PANEL = "selection_panel", _("Selection: drawing the panel")
    SELECTION_SCORING = "selection_scoring", _("Selection: expert scoring")
    SELECTION_CONFIRMATION = "selection_confirmation", _("Selection: confirming the list")
    SELECTION_CONCLUSION = "selection_conclusion", _("Selection: concluding after the publication")


# Used when a step has no row in StepLimit; the data migration seeds the table with these.
DEFAULT_STEP_LIMITS: dict[str, int] = {
    StepCode.REVIEW: 5,
    StepCode.SUPPLEMENT: 10,
    StepCode.INSPECTION: 15,
    StepCode.ASSESSMENT: 10,
    StepCode.DECISION: 5,
    StepCode.NOTICE: 5,
    StepCode.BATCH_REVIEW: 5,
    StepCode.BATCH_FIX: 5,
    StepCode.SEAT_ANSWER: 2,
    StepCode.SUPERVISION_PLAN: 10,
    StepCode.SUPERVISION_INSPECTION: 10,
    StepCode.SUPERVISION_DECISION: 5,
    StepCode.SUPERVISION_VERIFY: 5,
    StepCode.SUPERVISION_SANCTION: 10,
    StepCode.SELECTION_ELIGIBILITY: 5,
    StepCode.SELECTION_PANEL: 5,
    StepCode.SELECTION_SCORING: 10,
    StepCode.SELECTION_CONFIRMATION: 5,
    StepCode.SELECTION_CONCLUSION: 5,
}


class StepLimit(models.Model):
    """The number of working days a step may take (办理时限)."""

    code = models.CharField(_("step"), max_length=30, unique=True, choices=StepCode.choices)
    working_days = models.PositiveSmallIntegerField(_("working days"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["code"]
        verbose_name = _("step time limit")
        verbose_name_plural = _("step time limits")
        constraints = [
            models.CheckConstraint(condition=models.Q(working_days__gte=1), name="steplimit_working_days_positive"),
        ]

    def __str__(self):
        return f"{self.label}: {self.working_days}"

    @property
    def label(self) -> str:
        # From the choices rather than a column, so that it follows the user's language.
        return str(self.get_code_display())

    @property
    def default_working_days(self) -> int | None:
        return DEFAULT_STEP_LIMITS.get(self.code)


class TaskDeadline(models.Model):
    """The due date of one flow task (办理期限), fixed when the task is created.

    Kept beside viewflow's Task rather than on it, so that every flow (filing, supervision,
    certificate batches) gets deadlines the same way: see workflow.deadlines. The three time
    stamps record what the SLA sweep has already done, so that it does each thing once.
    """

    task = models.OneToOneField(
        "viewflow.Task", verbose_name=_("task"), on_delete=models.CASCADE, primary_key=True, related_name="deadline"
    )
    step = models.CharField(_("step"), max_length=30)
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("due on"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible outside the queues"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who is reminded of a step nobody claims, such as the applicant's supplement."),
    )
    escalates = models.BooleanField(_("escalates to the chief"), default=True)
    warned_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task deadline")
        verbose_name_plural = _("task deadlines")
        indexes = [models.Index(fields=["due_on"], name="taskdeadline_due_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(due_on__gte=models.F("started_on")), name="taskdeadline_order"),
        ]

    def __str__(self):
        return f"{self.task_id}: {self.due_on.isoformat()}"

    @property
    def step_label(self) -> str:
        try:
            return str(StepCode(self.step).label)
        except ValueError:
            return self.step


class NotificationKind(models.TextChoices):
    """What a notification is about; users switch e-mail on or off per kind."""

    TASK_ASSIGNED = "task_assigned", _("A task is assigned to you")
    TASK_REASSIGNED = "task_reassigned", _("A task of yours is reassigned")
    APPLICATION_RETURNED = "application_returned", _("An application is returned for supplement")
    APPLICATION_ACCEPTED = "application_accepted", _("An application is accepted")
    APPLICATION_DECIDED = "application_decided", _("An application is decided")
    RECTIFICATION_ORDERED = "rectification_ordered", _("Rectification is ordered")
    DEADLINE_APPROACHING = "deadline_approaching", _("A deadline is approaching")
    DEADLINE_OVERDUE = "deadline_overdue", _("A deadline has passed")
    TASK_ESCALATED = "task_escalated", _("An overdue task is escalated to you")
    SEAT_DRAWN = "seat_drawn", _("You are drawn for an inspection team or expert panel")
    SEAT_DECLINED = "seat_declined", _("A drawn person declines a seat")
    TEAM_ASSIGNED = "team_assigned", _("You are on a supervision inspection team")
    BATCH_DECIDED = "batch_decided", _("A result batch is registered, returned or rejected")
    SUPERVISION_OPENED = "supervision_opened", _("A supervision case is opened about your body")
    SELECTION_PUBLISHED = "selection_published", _("A public selection list is published")
    SELECTION_DECIDED = "selection_decided", _("A public selection application is decided")


class Notification(models.Model):
    """One message to one user (站内通知), shown under the bell and, if wanted, e-mailed.

    The text is not stored: it is rendered from `kind` and `data` in the reader's language.
    `event_key` names the event; a user is notified of an event at most once.
    """

    class Email(models.TextChoices):
        NONE = "none", _("not sent (switched off or no address)")
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    event_key = models.CharField(_("event"), max_length=150)
    data = models.JSONField(_("data"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email = models.CharField(_("e-mail"), max_length=10, choices=Email.choices, default=Email.NONE)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event_key"], name="notification_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.kind} ({self.event_key})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationSettings(models.Model):
    """A user's language for e-mail and the kinds of notification they do not want by e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notification_settings"
    )
    language = models.CharField(
        _("language of e-mails"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    email_off = models.JSONField(_("kinds not sent by e-mail"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user)

    def wants_email(self, kind: str) -> bool:
        return kind not in self.email_off


class JobFailure(models.Model):
    """A background job that failed after its last retry, or could not be queued at all.

    Nothing is dropped silently: the admin lists these, and "retry" queues the job again.
    """

    job = models.CharField(_("job"), max_length=200)
    task_id = models.CharField(_("Celery task id"), max_length=64, blank=True)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    error = models.TextField(_("error"))
    traceback = models.TextField(_("traceback"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    queued = models.BooleanField(_("was queued"), default=True, help_text=_("False: the broker refused the job."))
    failed_at = models.DateTimeField(_("failed at"), default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=200, blank=True)

    class Meta:
        ordering = ["-failed_at"]
        verbose_name = _("failed background job")
        verbose_name_plural = _("failed background jobs")

    def __str__(self):
        return f"{self.job} {self.failed_at:%Y-%m-%d %H:%M}"


QUEUED = models.Q(is_open=True, owner__isnull=True, for_body=False)


def _filtered_indexes(name: str, lead: list[str], order: list[str], condition: models.Q) -> list[models.Index]:
    return [
        models.Index(fields=[*lead, column, *order], name=f"work_{name}_{column}_idx", condition=condition)
        for column in ("kind", "step", "district")
    ]


class WorkItem(models.Model):
    """One piece of work in the to-do lists (待办): a task of any flow, or a drawn seat to confirm.

    Every list (inbox, queue, the body's work, archive, overdue) and every counter reads this one table,
    whatever the flow, through indexes made for them. A row is written in the same transaction as the
    task or seat it stands for (workflow.todo), so it is never out of step with it.
    """

    class Kind(models.TextChoices):
        FILING = "filing", _("Filing")
        SUPERVISION = "supervision", _("Supervision")
        BATCH = "batch", _("Certificate batch")
        SEAT = "seat", _("Seat confirmation")
        SELECTION = "selection", _("Public selection")

    key = models.CharField(_("key"), max_length=40, unique=True, help_text=_('"task:<id>" or "seat:<id>"'))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    step = models.CharField(_("step"), max_length=50)
    task = models.OneToOneField(
        "viewflow.Task", verbose_name=_("task"), on_delete=models.CASCADE, null=True, blank=True, related_name="work"
    )
    subject = models.CharField(_("case number"), max_length=60)
    subject_url = models.CharField(_("case page"), max_length=300, blank=True)
    url = models.CharField(_("where the work is done"), max_length=300)
    organisation = models.ForeignKey(
        "cases.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    district = models.ForeignKey(
        "cases.District", verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    permission = models.CharField(_("permission of the queue"), max_length=100, blank=True)
    for_body = models.BooleanField(_("for the organisation's members"), default=False)
    is_open = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    due_on = models.DateField(_("due on"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finished by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("to-do item")
        verbose_name_plural = _("to-do items")
        indexes = [
            models.Index(fields=["owner", "due_on", "id"], name="work_inbox_idx", condition=models.Q(is_open=True)),
            models.Index(
                fields=["permission", "due_on", "id"],
                name="work_queue_idx",
                condition=QUEUED,
            ),
            models.Index(
                fields=["organisation", "due_on", "id"],
                name="work_body_idx",
                condition=models.Q(is_open=True, for_body=True),
            ),
            models.Index(fields=["due_on", "id"], name="work_open_idx", condition=models.Q(is_open=True)),
            models.Index(
                fields=["finished_by", "-finished_at", "-id"],
                name="work_archive_idx",
                condition=models.Q(is_open=False),
            ),
            # A filter (kind, step, district) of the archive, the queue or the overdue list reads its own index in
            # the list's order: a rare kind is found at once instead of after every row of the others.
            *_filtered_indexes("archive", ["finished_by"], ["-finished_at", "-id"], models.Q(is_open=False)),
            *_filtered_indexes("queue", ["permission"], ["due_on", "id"], QUEUED),
            *_filtered_indexes("overdue", [], ["due_on", "id"], models.Q(is_open=True, for_body=False)),
        ]

    def __str__(self):
        return f"{self.key} {self.subject} ({self.step})"

    @property
    def kind_label(self) -> str:
        """get_kind_display(), by the enum rather than by the field's choices rebuilt on each call (every row of
        every task list shows it)."""
        return self.Kind(self.kind).label
