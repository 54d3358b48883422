"""Reads for the inspection and assessment parts of a case: who is drawn, what they found, the blind panel."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Max, Prefetch, Q

from cases.applications import access
from cases.draws import services as draw_services
from cases.inspections import services as inspection_services
from cases.models import (
    CriterionScore,
    Draw,
    DrawSeat,
    ExpertPanel,
    ExpertProfile,
    ExpertScore,
    InspectionFinding,
    InspectorProfile,
    PanelResult,
    SiteInspection,
)
from cases.models.inspections import conclude
from workflow import roles


def is_manager(user) -> bool:
    """The chief (and the superuser) manage drawn teams and panels: release, redraw."""
    return user.is_superuser or roles.has_role(user, roles.CHIEF)


def may_read_draws(user) -> bool:
    """Draw records (pools, exclusions, reasons) are for regulators and auditors, never the drawn."""
    return access.is_case_reader(user)


def _seats(draws_qs) -> list[DrawSeat]:
    return list(
        DrawSeat.objects.filter(draw__in=draws_qs)
        .select_related("user", "draw")
        .annotate(replacements=Count("replacement_draws"))
        .order_by("draw__drawn_at", "draw_id", "position")
    )


@dataclass
class InspectionView:
    inspection: SiteInspection
    seats: list[DrawSeat]
    draws: list[Draw]
    findings: list[InspectionFinding]
    own_seat: DrawSeat | None
    may_record: bool
    is_leader: bool
    is_open: bool
    may_manage: bool
    may_read_draws: bool
    computed: str = ""
    photo_count: int = 0

    @property
    def pending_own_seat(self) -> bool:
        return self.own_seat is not None and self.own_seat.status == DrawSeat.Status.PENDING

    @property
    def computed_label(self) -> str:
        return SiteInspection.Conclusion(self.computed).label if self.computed else ""


def inspection_view(*, application, inspection: SiteInspection | None = None, user) -> InspectionView | None:
    inspection = inspection or application.inspections.first()
    if inspection is None:
        return None
    inspection_draws = Draw.objects.filter(inspection=inspection)
    seats = _seats(inspection_draws)
    own = next((s for s in seats if s.user_id == user.pk and s.is_active), None)
    findings = list(inspection.findings.prefetch_related("photos").select_related("recorded_by"))
    is_open = inspection_services.inspection_is_open(inspection)
    complete = bool(findings) and all(f.result for f in findings)
    return InspectionView(
        inspection=inspection,
        seats=seats,
        draws=list(inspection_draws.order_by("drawn_at", "pk")) if may_read_draws(user) else [],
        findings=findings,
        own_seat=own,
        may_record=is_open and inspection_services.team_member_may_record(inspection, user),
        is_leader=inspection.leader_id == user.pk,
        is_open=is_open,
        may_manage=is_open and is_manager(user),
        may_read_draws=may_read_draws(user),
        computed=conclude(findings, basically_share=settings.INSPECTION_BASICALLY_MEETS_SHARE) if complete else "",
        photo_count=sum(len(f.photos.all()) for f in findings),
    )


@dataclass
class ExpertColumn:
    """One expert's sheet, shown only once the panel is unblinded."""

    name: str
    score: ExpertScore
    by_criterion: dict = field(default_factory=dict)  # criterion id -> CriterionScore


@dataclass
class PanelView:
    panel: ExpertPanel
    seats: list[DrawSeat]
    draws: list[Draw]
    result: PanelResult | None
    submitted: int
    expected: int
    own_seat: DrawSeat | None
    own_score: ExpertScore | None
    may_score: bool
    may_manage: bool
    may_read_draws: bool
    columns: list[ExpertColumn] | None  # None while blind, or for people who may not see the sheets
    criteria: list = field(default_factory=list)

    @property
    def pending_own_seat(self) -> bool:
        return self.own_seat is not None and self.own_seat.status == DrawSeat.Status.PENDING

    def criterion_rows(self) -> list[dict]:
        """Per criterion: each expert's score in column order (for the unblinded table)."""
        return [
            {"criterion": c, "cells": [col.by_criterion.get(c.pk) for col in self.columns or []]} for c in self.criteria
        ]


def panel_view(*, application, user, panel: ExpertPanel | None = None) -> PanelView | None:
    """The panel as this user may see it: everyone's scores stay hidden until the last expert submits."""
    panel = panel or application.panels.select_related("rubric").first()
    if panel is None:
        return None
    scores = list(
        panel.scores.select_related("expert").prefetch_related(
            Prefetch("criteria", queryset=CriterionScore.objects.select_related("criterion"))
        )
    )
    result = None if any(s.submitted_at is None for s in scores) or not scores else panel.aggregate()
    panel_draws = Draw.objects.filter(panel=panel)
    seats = _seats(panel_draws)
    own_seat = next((s for s in seats if s.user_id == user.pk and s.is_active), None)
    own_score = next((s for s in scores if s.expert_id == user.pk), None)
    legacy = not seats
    confirmed = legacy or (own_seat is not None and own_seat.status == DrawSeat.Status.CONFIRMED)
    on_panel = own_score is not None
    may_see_sheets = result is not None and (access.is_case_reader(user) or on_panel)
    columns = None
    if may_see_sheets:
        columns = [
            ExpertColumn(
                name=s.expert.get_full_name() or s.expert.username,
                score=s,
                by_criterion={cs.criterion_id: cs for cs in s.criteria.all()},
            )
            for s in scores
        ]
    return PanelView(
        panel=panel,
        seats=seats,
        draws=list(panel_draws.order_by("drawn_at", "pk")) if may_read_draws(user) else [],
        result=result,
        submitted=sum(1 for s in scores if s.submitted_at),
        expected=len(scores),
        own_seat=own_seat,
        own_score=own_score,
        may_score=confirmed and own_score is not None and own_score.submitted_at is None,
        may_manage=result is None and is_manager(user),
        may_read_draws=may_read_draws(user),
        columns=columns,
        criteria=list(panel.rubric.criteria.all()) if panel.rubric_id else [],
    )


def case_sections(*, application, user, is_applicant: bool) -> dict:
    """The case page's inspection and assessment sections (applicants see neither)."""
    from cases.inspections.forms import seat_forms

    if is_applicant:
        return {"inspection_view": None, "panel_view": None}
    return {
        "inspection_view": inspection_view(application=application, user=user),
        "panel_view": panel_view(application=application, user=user),
        **seat_forms(),
    }


# Pages for the chief, the auditor and the drawn people


def seats_of(user):
    """The user's seats, newest first, with what they belong to."""
    return (
        DrawSeat.objects.filter(user=user)
        .select_related("draw__application__organisation", "draw__inspection", "draw__panel")
        .order_by("-draw__drawn_at", "-pk")
    )


def draw_list(*, kind: str = "", q: str = ""):
    qs = Draw.objects.select_related("application", "organisation", "drawn_by").order_by("-drawn_at", "-pk")
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(application__number__icontains=q) | Q(organisation__name__icontains=q))
    return qs


def pool_rows(*, kind: str) -> list[dict]:
    """Everyone holding the role, with their profile, declared relations and draw history (constant queries)."""
    role = roles.INSPECTOR if kind == Draw.Kind.TEAM else roles.EXPERT
    profile_model = InspectorProfile if kind == Draw.Kind.TEAM else ExpertProfile
    users = list(
        User.objects.filter(groups__name=role)
        .annotate(
            drawn=Count("draw_seats", filter=Q(draw_seats__draw__kind=kind), distinct=True),
            declined=Count(
                "draw_seats",
                filter=Q(draw_seats__draw__kind=kind, draw_seats__status=DrawSeat.Status.DECLINED),
                distinct=True,
            ),
            last_drawn=Max("draw_seats__draw__drawn_at", filter=Q(draw_seats__draw__kind=kind)),
        )
        .prefetch_related("declared_relations__organisation")
        .order_by("username")
    )
    profiles = {p.user_id: p for p in profile_model.objects.filter(user__in=users).select_related("employer")}
    return [{"user": u, "profile": profiles.get(u.pk), "relations": list(u.declared_relations.all())} for u in users]


def open_seat(seat: DrawSeat) -> bool:
    return draw_services.seat_target_open(seat)
