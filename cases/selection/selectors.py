"""Reads of the public selection: calls for the public and the bureau, the ranking per occupation x level,
an application's material for the clerk and the experts. Query counts stay constant in the data size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import CallState as C
from cases.models import (
    RosterMember,
    SelectionApplication,
    SelectionCall,
    SelectionCriterionScore,
    SelectionEntry,
    SelectionLot,
    TieRule,
)
from cases.models import SelectionState as S
from cases.models.documents import GeneratedDocument
from workflow.calendar import working_days_between

# The applications a ranking compares: found eligible, and (after the conclusion) their outcome.
COMPARED = (S.ELIGIBLE, S.SELECTED, S.NOT_SELECTED)

PHASES = {
    "draft": _("Draft"),
    "upcoming": _("Published; applications not yet open"),
    "open": _("Open for applications"),
    "review": _("Closed; comparative review under way"),
    "publication": _("List on publication"),
    "concluding": _("Publication over; being concluded"),
    "concluded": _("Concluded"),
}


def window_working_days(call: SelectionCall) -> int:
    """Working days from the day the window opens to the day it closes, both included."""
    return working_days_between(call.window_opens - timedelta(days=1), call.window_closes)


def call_phase(call: SelectionCall, today: date) -> str:
    """Where a call stands on `today`, one of PHASES."""
    if call.state == C.DRAFT:
        return "draft"
    if call.state == C.PUBLISHED:
        phase = call.window_phase(today)
        return "review" if phase == "closed" else phase
    if call.state == C.LISTED:
        return "publication" if today <= call.publication_ends else "concluding"
    return "concluded"


def _calls() -> QuerySet[SelectionCall]:
    return SelectionCall.objects.select_related("rubric").prefetch_related(
        Prefetch("lots", queryset=SelectionLot.objects.select_related("occupation"))
    )


def public_calls() -> QuerySet[SelectionCall]:
    """Every call the public may see (all but drafts), the most recent first."""
    return _calls().exclude(state=C.DRAFT).order_by("-window_opens", "-id")


def public_call(*, number: str) -> SelectionCall | None:
    return _calls().exclude(state=C.DRAFT).filter(number=number).first()


def calls_for_bureau() -> QuerySet[SelectionCall]:
    return _calls().order_by("-created_at", "-id")


def applications_of(call: SelectionCall) -> QuerySet[SelectionApplication]:
    return (
        call.applications.select_related("organisation__district", "filing")
        .exclude(state=S.DRAFT)
        .order_by("submitted_at", "id")
    )


def open_calls_for_applicants(today: date) -> QuerySet[SelectionCall]:
    """Published calls whose window has not closed: an organisation may start (and once open submit) one."""
    return _calls().filter(state=C.PUBLISHED, window_closes__gte=today).order_by("window_closes", "id")


# The ranking per occupation x level


@dataclass
class RankRow:
    entry: SelectionEntry
    application: SelectionApplication
    result: Decimal | None
    rank: int | None = None
    tied: bool = False
    proposed: bool = False
    below_pass: bool = False

    @property
    def selected(self) -> bool:
        return self.entry.selected


@dataclass
class LotRanking:
    lot: SelectionLot
    rows: list[RankRow] = field(default_factory=list)

    @property
    def proposed_count(self) -> int:
        return sum(1 for row in self.rows if row.proposed)

    @property
    def selected_rows(self) -> list[RankRow]:
        return [row for row in self.rows if row.entry.selected]

    @property
    def has_changes(self) -> bool:
        """Whether the bureau changed the proposal in this lot (the reasons column is shown only then)."""
        return any(row.entry.change_reason for row in self.rows)


@dataclass
class Ranking:
    lots: list[LotRanking]
    missing: list[SelectionApplication]  # compared applications whose panel result is not in yet

    @property
    def complete(self) -> bool:
        return not self.missing


def _compared_entries(call: SelectionCall) -> list[SelectionEntry]:
    return list(
        SelectionEntry.objects.filter(application__call=call, application__state__in=COMPARED)
        .select_related("application__organisation", "application__filing", "lot__occupation")
        .prefetch_related("application__filing__scope_items", "application__filing__roster")
        .order_by("lot_id", "rank", "application__submitted_at", "application_id")
    )


def _tie_values(call: SelectionCall, entries: list[SelectionEntry]) -> dict[int, Decimal]:
    """entry id -> the value the call's tie rule compares (higher ranks first)."""
    if call.tie_rule == TieRule.CRITERION:
        means = dict(
            SelectionCriterionScore.objects.filter(
                score__application__call=call, score__submitted_at__isnull=False, criterion__code=call.tie_criterion
            )
            .values("score__application_id")
            .annotate(mean=Avg("points"))
            .values_list("score__application_id", "mean")
        )
        return {entry.pk: Decimal(means.get(entry.application_id) or 0) for entry in entries}
    values = {}
    for entry in entries:
        filing = entry.application.filing
        occupation = entry.lot.occupation_id
        if call.tie_rule == TieRule.CAPACITY:
            values[entry.pk] = Decimal(
                sum(item.yearly_capacity for item in filing.scope_items.all() if item.occupation_id == occupation)
            )
        elif call.tie_rule == TieRule.EXAMINERS:
            values[entry.pk] = Decimal(
                sum(
                    1
                    for member in filing.roster.all()
                    if member.role == RosterMember.Role.EXAMINER
                    and member.occupation_id == occupation
                    and member.qualification.strip()
                )
            )
        else:
            values[entry.pk] = Decimal(0)
    return values


def call_ranking(call: SelectionCall) -> Ranking:
    """The ranking of every lot from the panel results: result first, then the call's tie rule, then the earlier
    submission; the top `quota` with a result at or above the call's pass mark are proposed."""
    entries = _compared_entries(call)
    ties = _tie_values(call, entries)
    lots = {lot.pk: LotRanking(lot) for lot in call.lots.select_related("occupation")}
    missing = {}
    for entry in entries:
        if entry.application.result is None:
            missing[entry.application_id] = entry.application
        lots[entry.lot_id].rows.append(RankRow(entry, entry.application, entry.application.result))
    for ranking in lots.values():
        rows = [row for row in ranking.rows if row.result is not None]
        rows.sort(key=lambda row: (-row.result, -ties[row.entry.pk], row.application.submitted_at, row.application.pk))
        results = [row.result for row in rows]
        for position, row in enumerate(rows, start=1):
            row.rank = position
            row.tied = results.count(row.result) > 1
            row.below_pass = row.result < call.pass_mark
            row.proposed = position <= ranking.lot.quota and not row.below_pass
        ranking.rows = rows + [row for row in ranking.rows if row.result is None]
    return Ranking(list(lots.values()), list(missing.values()))


def stored_ranking(call: SelectionCall) -> Ranking:
    """The ranking as the chief confirmed it (stored ranks, proposals and selections), for the published list."""
    lots = {lot.pk: LotRanking(lot) for lot in call.lots.select_related("occupation")}
    for entry in _compared_entries(call):
        result = entry.application.result
        lots[entry.lot_id].rows.append(
            RankRow(
                entry,
                entry.application,
                result,
                rank=entry.rank,
                tied=entry.tied,
                proposed=entry.proposed,
                below_pass=result is not None and result < call.pass_mark,
            )
        )
    return Ranking(list(lots.values()), [])


def ranking_rows_for_document(ranking: Ranking) -> list[dict]:
    """The ranking as plain values for the published list's PDF."""
    return [
        {
            "lot": lot.lot,  # rendered in the documents' language
            "quota": lot.lot.quota,
            "rows": [
                {
                    "rank": row.rank,
                    "organisation": row.application.organisation.name,
                    "credit_code": row.application.organisation.credit_code,
                    "result": row.result,
                    "tied": row.tied,
                    "selected": row.entry.selected,
                    "changed": row.entry.changed,
                    "reason": row.entry.change_reason,
                }
                for row in lot.rows
            ],
        }
        for lot in ranking.lots
    ]


def own_applications(user) -> QuerySet[SelectionApplication]:
    """The selection applications of the user's organisations."""
    return (
        SelectionApplication.objects.filter(organisation__members=user)
        .select_related("call", "organisation", "filing")
        .order_by("-created_at", "-id")
    )


def documents_of(*objects, public_only: bool = False) -> QuerySet[GeneratedDocument]:
    """The documents issued for the given calls, applications or filing drafts, newest first."""
    condition = Q(pk__in=[])
    for obj in objects:
        condition |= Q(content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk))
    qs = GeneratedDocument.objects.filter(condition).order_by("-created_at", "-pk")
    return qs.filter(public=True) if public_only else qs


def application_material(application: SelectionApplication) -> dict:
    """What the clerk, the experts and the bureau read of an application: the organisation, the declared facts,
    the filing draft's sections. Experts see neither the other experts nor their scores (blind)."""
    filing = application.filing
    return {
        "selection": application,
        "call": application.call,
        "organisation": application.organisation,
        "filing": filing,
        "scope": filing.scope_items.select_related("occupation"),
        "roster": filing.roster.select_related("occupation"),
        "venues": filing.venues.all(),
        "attachments": filing.attachments.all(),
        "entries": application.entries.select_related("lot__occupation"),
    }
