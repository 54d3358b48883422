"""Reads on expert panels: what each viewer may see of the scoring (blind until all have scored)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cases.applications import access
from cases.draws.selectors import _seats, is_manager, may_read_draws
from cases.models import (
    CriterionScore,
    Draw,
    DrawSeat,
    ExpertPanel,
    ExpertScore,
    PanelResult,
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


def _expert_name(score: ExpertScore, number: int, *, named: bool, user) -> str:
    if score.expert_id == user.pk:
        return str(_("You"))
    if named:
        return score.expert.get_full_name() or score.expert.username
    return str(_("Expert %(number)d")) % {"number": number}


@dataclass
class ApplicantPanelView:
    """What the applicant sees of the assessment: the panel result, and the experts' sheets only when allowed."""

    result: PanelResult
    columns: list[ExpertColumn] | None
    criteria: list

    def criterion_rows(self) -> list[dict]:
        return [
            {"criterion": c, "cells": [col.by_criterion.get(c.pk) for col in self.columns or []]} for c in self.criteria
        ]


def panel_for_applicant(*, application) -> ApplicantPanelView | None:
    """The panel result once every expert has scored. Names and per-expert scores only after the decision, and
    only if settings.APPLICANT_SEES_EXPERT_SCORES says so (off by default)."""
    panel = application.panels.select_related("rubric").first()
    if panel is None:
        return None
    result = panel.aggregate()
    if result is None:
        return None
    columns = None
    if application.decided_at is not None and settings.APPLICANT_SEES_EXPERT_SCORES:
        scores = panel.scores.select_related("expert").prefetch_related("criteria")
        columns = [
            ExpertColumn(
                name=s.expert.get_full_name() or s.expert.username,
                score=s,
                by_criterion={cs.criterion_id: cs for cs in s.criteria.all()},
            )
            for s in scores
        ]
    criteria = list(panel.rubric.criteria.all()) if panel.rubric_id and columns else []
    return ApplicantPanelView(result=result, columns=columns, criteria=criteria)


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
    reader = access.is_case_reader(user)
    may_see_sheets = result is not None and (reader or on_panel)
    columns = None
    if may_see_sheets:
        # Experts never see each other's names: the other sheets are numbered.
        columns = [
            ExpertColumn(
                name=_expert_name(s, number, named=reader, user=user),
                score=s,
                by_criterion={cs.criterion_id: cs for cs in s.criteria.all()},
            )
            for number, s in enumerate(scores, start=1)
        ]
    if not reader:
        seats = [seat for seat in seats if seat.user_id == user.pk]
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
