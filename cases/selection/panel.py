"""Drawing the panel of a call with the draw engine (cases.draws.engine), for every eligible applicant at once.

One panel scores every eligible application of the call, so that their results compare. The engine judges the
pool for each applicant's filing draft (membership, employment, declared conflicts, people who acted on its
case, rotation); a person is left out of the call's panel for every reason found against any applicant. The
field match is the call's: an expert's expertise must cover at least one occupation of the call. The selection
is the engine's own (sha256-rank-v1 over the recorded seed and eligible list), so the draw replays like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.draws import engine
from cases.models import Draw, ExpertProfile, SelectionCall, SelectionPanel

KIND = Draw.Kind.PANEL


def pool_for_call(call: SelectionCall, applications) -> engine.PoolEvaluation:
    """The expert pool judged against every application: the union of each one's exclusions."""
    excluded: dict[int, list[str]] = {}
    pool: list[int] = []
    codes = sorted({lot.occupation.code for lot in call.lots.select_related("occupation")})
    for application in applications:
        evaluation = engine.evaluate_pool(kind=KIND, application=application.filing)
        pool = evaluation.pool
        for user_id, reasons in evaluation.excluded.items():
            merged = excluded.setdefault(user_id, [])
            merged += [reason for reason in reasons if reason not in merged]
    no_match = engine.Exclusion.NO_FIELD_MATCH.value
    profiles = {profile.user_id: profile for profile in ExpertProfile.objects.filter(user_id__in=pool)}
    for user_id in pool:
        reasons = [reason for reason in excluded.get(user_id, []) if reason != no_match]
        profile = profiles.get(user_id)
        if not (profile and any(profile.covers(code) for code in codes)):
            reasons.append(no_match)
        if reasons:
            excluded[user_id] = sorted(reasons, key=engine.ORDER.index)
        else:
            excluded.pop(user_id, None)
    criteria = {
        "pool": engine.KIND_ROLE[KIND],
        "occupations": codes,
        "call": call.number,
        "applications": [application.filing.number for application in applications],
        "order": engine.ORDER,
    }
    return engine.PoolEvaluation(kind=KIND, pool=pool, excluded=excluded, criteria=criteria)


@dataclass(frozen=True)
class PanelDraw:
    seed: str
    evaluation: engine.PoolEvaluation
    selected: list[int]
    digest: str


def panel_select(evaluation: engine.PoolEvaluation, *, seats: int, seed: str | None = None) -> PanelDraw:
    """Draw `seats` experts from the eligible; raises DrawImpossible naming the constraint that emptied the pool."""
    if len(evaluation.eligible) < seats:
        raise engine.DrawImpossible(evaluation.shortage_message(seats))
    seed = seed or engine.new_seed()
    selected = engine.select(seed, evaluation.eligible, seats)
    digest = engine.digest(
        kind=KIND,
        seed=seed,
        seats_wanted=seats,
        criteria=evaluation.criteria,
        pool=evaluation.pool,
        eligible=evaluation.eligible,
        excluded=evaluation.excluded_rows(),
        selected=selected,
    )
    return PanelDraw(seed, evaluation, selected, digest)


@dataclass(frozen=True)
class PanelReplay:
    ranking: list[tuple[int, str]]
    selected: list[int]
    matches: bool
    digest_matches: bool

    @property
    def ok(self) -> bool:
        return self.matches and self.digest_matches


def panel_replay(panel: SelectionPanel) -> PanelReplay:
    """Recompute a call's panel from its recorded seed and eligible list, and its digest from the record."""
    seats = len(panel.selected)
    order = engine.ranking(panel.seed, list(panel.eligible))
    recomputed = engine.digest(
        kind=KIND,
        seed=panel.seed,
        seats_wanted=seats,
        criteria=panel.criteria,
        pool=panel.pool,
        eligible=panel.eligible,
        excluded=panel.excluded,
        selected=panel.selected,
    )
    return PanelReplay(
        ranking=[(user_id, engine.rank_key(panel.seed, user_id)) for user_id in order],
        selected=order[:seats],
        matches=order[:seats] == list(panel.selected) and panel.algorithm == engine.ALGORITHM,
        digest_matches=recomputed == panel.digest,
    )
