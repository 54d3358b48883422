"""Inspector and expert pools (考察员库、评估专家库), declared relations, and the random draws (随机抽取)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A field of expertise is a prefix of occupation codes: "6" a major group, "6-18" a medium group,
# "6-18-02" a small group, "6-18-02-04" one occupation (GB/T 6565 classification).
EXPERTISE_PATTERN = re.compile(r"^\d(-\d{2}){0,3}$")


def covers(prefix: str, occupation_code: str) -> bool:
    """Whether a field of expertise includes an occupation code."""
    return occupation_code == prefix or occupation_code.startswith(prefix + "-")


def validate_fields(value) -> None:
    if not isinstance(value, list) or any(not EXPERTISE_PATTERN.match(str(v)) for v in value):
        raise ValidationError(
            _("Fields of expertise are occupation code prefixes such as 6, 6-18 or 6-18-02-04."), code="fields"
        )


class PoolProfile(models.Model):
    employer = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("employer (registered organisation)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    fields = models.JSONField(
        _("fields of expertise"),
        default=list,
        blank=True,
        validators=[validate_fields],
        help_text=_("Occupation code prefixes: 6 = a major group, 6-18 = a medium group, 6-18-02-04 = one occupation."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Only active people are drawn."))
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.user.get_full_name() or self.user.username

    def covers(self, occupation_code: str) -> bool:
        return any(covers(prefix, occupation_code) for prefix in self.fields or [])


class InspectorProfile(PoolProfile):
    """An inspector in the site-inspection pool (考察员)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="inspector_profile"
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("inspector profile")
        verbose_name_plural = _("inspector pool")


class ExpertProfile(PoolProfile):
    """An expert in the assessment pool (评估专家)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="expert_profile"
    )
    title = models.CharField(_("professional title"), max_length=100, blank=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert pool")


class DeclaredRelation(models.Model):
    """A relation to an organisation that keeps a person from judging it (回避关系)."""

    class Kind(models.TextChoices):
        FORMER_EMPLOYEE = "former_employee", _("Former employee")
        FAMILY = "family", _("A close relative works there")
        BUSINESS = "business", _("Business or financial interest")
        ADVISORY = "advisory", _("Consulting or training for it")
        OTHER = "other", _("Other conflict of interest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="declared_relations"
    )
    organisation = models.ForeignKey(
        "cases.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("relation"), max_length=20, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-declared_at"]
        verbose_name = _("declared relation")
        verbose_name_plural = _("declared relations")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "kind"], name="declared_relation_once"),
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation}: {self.get_kind_display()}"


class Draw(models.Model):
    """One random draw of an inspection team or an expert panel, with everything needed to replay it.

    The selection is a pure function of `seed`, `eligible` and `seats_wanted` (cases.draws.engine.select),
    and `digest` is the SHA-256 of those inputs with the exclusions and the result.
    """

    class Kind(models.TextChoices):
        TEAM = "inspection_team", _("Inspection team")
        PANEL = "expert_panel", _("Expert panel")

    class Reason(models.TextChoices):
        INITIAL = "initial", _("First draw")
        DECLINED = "declined", _("Replacement after a decline")
        RELEASED = "released", _("Replacement after no response")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, default=Reason.INITIAL)
    # A draw fills a filing's inspection team or expert panel, or a supervision case's team (campaigns):
    # one engine, one history, so rotation holds across the flows.
    application = models.ForeignKey(
        "cases.FilingApplication", null=True, blank=True, on_delete=models.CASCADE, related_name="draws"
    )
    supervision_case = models.ForeignKey(
        "cases.SupervisionCase", null=True, blank=True, on_delete=models.CASCADE, related_name="draws"
    )
    organisation = models.ForeignKey("cases.Organisation", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(
        "cases.SiteInspection", null=True, blank=True, on_delete=models.CASCADE, related_name="draws"
    )
    panel = models.ForeignKey(
        "cases.ExpertPanel", null=True, blank=True, on_delete=models.CASCADE, related_name="draws"
    )
    replaces = models.ForeignKey(
        "cases.DrawSeat", null=True, blank=True, on_delete=models.PROTECT, related_name="replacement_draws"
    )
    seats_wanted = models.PositiveSmallIntegerField(_("people drawn"))
    seed = models.CharField(_("seed"), max_length=64)
    algorithm = models.CharField(_("algorithm"), max_length=32)
    criteria = models.JSONField(_("criteria"), default=dict)
    pool = models.JSONField(_("pool"), default=list)
    eligible = models.JSONField(_("eligible"), default=list)
    excluded = models.JSONField(_("exclusions"), default=list)
    selected = models.JSONField(_("selected"), default=list)
    digest = models.CharField(_("digest (SHA-256)"), max_length=64)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        indexes = [models.Index(fields=["organisation", "drawn_at"], name="draw_rotation_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    application__isnull=False,
                    supervision_case__isnull=True,
                    inspection__isnull=False,
                    panel__isnull=True,
                )
                | models.Q(
                    application__isnull=False,
                    supervision_case__isnull=True,
                    inspection__isnull=True,
                    panel__isnull=False,
                )
                | models.Q(
                    application__isnull=True,
                    supervision_case__isnull=False,
                    inspection__isnull=True,
                    panel__isnull=True,
                ),
                name="draw_for_one_target",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def target(self):
        """The team or panel filled: a SiteInspection, an ExpertPanel or a SupervisionCase."""
        if self.supervision_case_id:
            return self.supervision_case
        return self.inspection if self.inspection_id else self.panel

    @property
    def case(self):
        """The case the draw belongs to: the filing application or the supervision case."""
        return self.supervision_case if self.supervision_case_id else self.application


class DrawSeat(models.Model):
    """A person drawn onto a team or panel, who confirms (declaring no conflict) or declines."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Team leader")
        MEMBER = "member", _("Team member")
        EXPERT = "expert", _("Panel expert")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        RELEASED = "released", _("Released (no response)")

    ACTIVE = [Status.PENDING, Status.CONFIRMED]

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="draw_seats"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("rank in the draw"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    statement = models.TextField(_("declaration or reason"), blank=True)
    conflict = models.CharField(
        _("conflict declared"), max_length=20, choices=DeclaredRelation.Kind.choices, blank=True
    )
    redraw_error = models.TextField(_("why no replacement could be drawn"), blank=True)

    class Meta:
        ordering = ["draw_id", "position"]
        verbose_name = _("drawn seat")
        verbose_name_plural = _("drawn seats")
        constraints = [models.UniqueConstraint(fields=["draw", "user"], name="drawn_once_per_draw")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_vacant(self) -> bool:
        """Declined or released and not (yet) replaced."""
        return not self.is_active and not self.replacement_draws.exists()
