"""The random draw (随机抽取): who may be drawn, why the others may not, and a selection anyone can replay.

Selection (algorithm "sha256-rank-v1"): every eligible person gets the key SHA-256("<seed>:<user id>")
in hex; the people with the smallest keys are drawn, in key order (the first is the team leader). With a
fresh random seed every ordering of the eligible people is equally likely, and anyone holding the recorded
seed and eligible list can recompute the result with any SHA-256 tool.
"""

import hashlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from viewflow.workflow.models import Task

from audits.models import AuditEvent
from cases.models import DeclaredRelation, Draw, DrawSeat, ExpertProfile, InspectorProfile, SelectionScore
from workflow import roles

ALGORITHM = "sha256-rank-v1"

KIND_ROLE = {Draw.Kind.TEAM: roles.INSPECTOR, Draw.Kind.PANEL: roles.EXPERT}
# Audit actions of each kind start with this; the other kind's actions count as "acting in another role".
KIND_PREFIX = {Draw.Kind.TEAM: "inspection", Draw.Kind.PANEL: "assessment"}
_OWN_TRANSITIONS = {Draw.Kind.TEAM: "application.finish_inspection", Draw.Kind.PANEL: "application.finish_assessment"}
_OWN_STEPS = {Draw.Kind.TEAM: "site_inspection", Draw.Kind.PANEL: "score"}
_READ_ONLY_ACTIONS = {"document.downloaded"}


class Exclusion(models.TextChoices):
    """Why a person of the pool cannot be drawn, in the order the shortage message applies them."""

    INACTIVE = "inactive", gettext_lazy("Inactive in the pool")
    NO_FIELD_MATCH = "no_field_match", gettext_lazy("Expertise does not cover the application's occupations")
    MEMBER = "member", gettext_lazy("Member of the applicant organisation")
    EMPLOYEE = "employee", gettext_lazy("Employed by the applicant")
    FORMER_EMPLOYEE = "former_employee", gettext_lazy("Former employee of the applicant")
    DECLARED_CONFLICT = "declared_conflict", gettext_lazy("Declared a conflict of interest with the applicant")
    ACTED_ON_CASE = "acted_on_case", gettext_lazy("Acted on this case in another role")
    SEATED = "seated", gettext_lazy("Already on this team or panel")
    DECLINED = "declined", gettext_lazy("Declined or was released from this team or panel")
    ROTATION = "rotation", gettext_lazy("Inspected or assessed this organisation within the rotation period")


ORDER = list(Exclusion.values)


def new_seed() -> str:
    return secrets.token_hex(16)


def rank_key(seed: str, user_id: int) -> str:
    return hashlib.sha256(f"{seed}:{user_id}".encode()).hexdigest()


def ranking(seed: str, eligible: list[int]) -> list[int]:
    """The eligible people in draw order."""
    return sorted(eligible, key=lambda user_id: (rank_key(seed, user_id), user_id))


def select(seed: str, eligible: list[int], seats: int) -> list[int]:
    """The draw itself: a pure function of its recorded inputs."""
    return ranking(seed, eligible)[:seats]


def digest(*, kind: str, seed: str, seats_wanted: int, criteria, pool, eligible, excluded, selected) -> str:
    """SHA-256 of a draw's inputs and result in canonical JSON (what the audit trail records)."""
    record = {
        "algorithm": ALGORITHM,
        "kind": str(kind),
        "criteria": criteria,
        "seed": seed,
        "seats_wanted": seats_wanted,
        "pool": list(pool),
        "eligible": list(eligible),
        "excluded": list(excluded),
        "selected": list(selected),
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class DrawImpossible(ValidationError):
    """Too few eligible people; the message names the constraint that emptied the pool."""


@dataclass
class PoolEvaluation:
    kind: str
    pool: list[int]
    excluded: dict[int, list[str]]
    criteria: dict = field(default_factory=dict)

    @property
    def eligible(self) -> list[int]:
        return [user_id for user_id in self.pool if user_id not in self.excluded]

    def excluded_rows(self) -> list[dict]:
        return [{"user": user_id, "reasons": self.excluded[user_id]} for user_id in sorted(self.excluded)]

    def funnel(self) -> list[tuple[str, int, int]]:
        """(constraint, people it removes, people left) applying the constraints in ORDER."""
        first = Counter(reasons[0] for reasons in self.excluded.values())
        left, rows = len(self.pool), []
        for reason in ORDER:
            if first[reason]:
                left -= first[reason]
                rows.append((reason, first[reason], left))
        return rows

    def shortage_message(self, wanted: int) -> str:
        pool_name = _("inspector pool") if self.kind == Draw.Kind.TEAM else _("expert pool")
        if len(self.pool) < wanted:
            return ngettext(
                "The %(pool)s has only %(total)d person; %(wanted)d are needed. Add people to the pool.",
                "The %(pool)s has only %(total)d people; %(wanted)d are needed. Add people to the pool.",
                len(self.pool),
            ) % {
                "pool": pool_name,
                "total": len(self.pool),
                "wanted": wanted,
            }
        funnel = self.funnel()
        culprit = next((row for row in funnel if row[2] < wanted), funnel[-1])
        breakdown = "; ".join(
            f"{Exclusion(reason).label} {count}"
            for reason, count in sorted(
                Counter(r for reasons in self.excluded.values() for r in reasons).items(),
                key=lambda i: ORDER.index(i[0]),
            )
        )
        return _(
            "Cannot draw %(wanted)d from the %(pool)s: only %(eligible)d of its %(total)d people are eligible. "
            "The pool ran out at “%(constraint)s” (%(count)d excluded there). All exclusions: %(breakdown)s."
        ) % {
            "wanted": wanted,
            "pool": pool_name,
            "eligible": len(self.eligible),
            "total": len(self.pool),
            "constraint": Exclusion(culprit[0]).label,
            "count": culprit[1],
            "breakdown": breakdown,
        }


def target_draws(target):
    """The draws that filled one inspection team or expert panel (the first draw and its replacements)."""
    if target is None:
        return Draw.objects.none()
    if target._meta.model_name == "siteinspection":
        return Draw.objects.filter(inspection=target)
    if target._meta.model_name == "supervisioncase":
        return Draw.objects.filter(supervision_case=target)
    return Draw.objects.filter(panel=target)


def is_supervision(case) -> bool:
    return case._meta.model_name == "supervisioncase"


def organisation_of(case):
    """The organisation a case is about: the applicant, or the supervised body."""
    return case.filing.organisation if is_supervision(case) else case.organisation


def _recent_inspectors(organisation, since, *, kind: str, target) -> set[int]:
    """Who inspected or assessed the organisation since `since`, in any flow (the rotation history).

    Every draw of a filing or a supervision campaign is in one history; supervision teams chosen by hand are
    counted too, so that a filing's draw leaves out who inspected the body in a supervision case, and the other
    way round.
    """
    recent = DrawSeat.objects.filter(
        draw__organisation=organisation, draw__drawn_at__gte=since, status__in=DrawSeat.ACTIVE
    )
    if target is not None:
        recent = recent.exclude(draw__in=target_draws(target))
    people = set(recent.values_list("user_id", flat=True))
    if kind == Draw.Kind.PANEL:
        # The panel of a public selection assessed every eligible applicant (cases.selection.panel).
        scored = SelectionScore.objects.filter(
            application__organisation=organisation, application__call__panel__formed_at__gte=since
        )
        people |= set(scored.values_list("expert_id", flat=True))
    if kind == Draw.Kind.TEAM:
        from cases.models import SupervisionCase

        cases = SupervisionCase.objects.filter(filing__organisation=organisation, opened_at__gte=since)
        if target is not None and is_supervision(target):
            cases = cases.exclude(pk=target.pk)
        people |= set(cases.values_list("inspectors", flat=True)) - {None}
    return people


def _acted_on_case(kind: str, application) -> set[int]:
    """People who acted on this case in a role other than the one being drawn."""
    if is_supervision(application):
        return {application.opened_by_id} - {None}
    acted = set()
    if application.process_id:
        tasks = Task.objects.filter(process_id=application.process_id, owner__isnull=False)
        acted |= {
            owner for owner, flow_task in tasks.values_list("owner_id", "flow_task") if not _is_step(flow_task, kind)
        }
    events = AuditEvent.objects.filter(
        object_type=application._meta.label_lower, object_id=str(application.pk), actor__isnull=False
    ).values_list("actor_id", "action")
    prefix = KIND_PREFIX[kind] + "."
    acted |= {
        actor
        for actor, action in events
        if not action.startswith(prefix) and action != _OWN_TRANSITIONS[kind] and action not in _READ_ONLY_ACTIONS
    }
    other = Draw.Kind.PANEL if kind == Draw.Kind.TEAM else Draw.Kind.TEAM
    acted |= set(
        DrawSeat.objects.filter(
            draw__application=application, draw__kind=other, status__in=DrawSeat.ACTIVE
        ).values_list("user_id", flat=True)
    )
    acted |= {pk for pk in (application.accepted_by_id, application.decided_by_id) if pk}
    return acted


def _is_step(flow_task, kind: str) -> bool:
    name = getattr(flow_task, "name", None) or str(flow_task).rsplit(".", 1)[-1]
    return name == _OWN_STEPS[kind]


def evaluate_pool(*, kind: str, application, target=None, now=None, pool_users=None) -> PoolEvaluation:
    """Everyone in the pool, and for each person who may not be drawn every reason why.

    `application` is the case: a filing application, or a supervision case (its team, from a campaign);
    `pool_users` narrows the pool (a campaign's inspector pool) to those of its ids who hold the role.
    """
    now = now or timezone.now()
    organisation = organisation_of(application)
    role = KIND_ROLE[kind]
    people_qs = User.objects.filter(groups__name=role).order_by("pk")
    if pool_users is not None:
        people_qs = people_qs.filter(pk__in=list(pool_users))
    people = list(people_qs.values_list("pk", "is_active"))
    pool = [pk for pk, _active in people]
    profile_model = InspectorProfile if kind == Draw.Kind.TEAM else ExpertProfile
    profiles = {p.user_id: p for p in profile_model.objects.filter(user_id__in=pool)}
    codes = (
        []
        if is_supervision(application)
        else sorted(set(application.scope_items.values_list("occupation__code", flat=True)))
    )
    members = set(organisation.members.values_list("pk", flat=True))
    employees = set(InspectorProfile.objects.filter(employer=organisation).values_list("user_id", flat=True)) | set(
        ExpertProfile.objects.filter(employer=organisation).values_list("user_id", flat=True)
    )
    relations = DeclaredRelation.objects.filter(organisation=organisation, user_id__in=pool)
    former = {r.user_id for r in relations if r.kind == DeclaredRelation.Kind.FORMER_EMPLOYEE}
    conflicts = {r.user_id for r in relations if r.kind != DeclaredRelation.Kind.FORMER_EMPLOYEE}
    acted = _acted_on_case(kind, application)
    target_seats = DrawSeat.objects.filter(draw__in=target_draws(target))
    seated = set(target_seats.filter(status__in=DrawSeat.ACTIVE).values_list("user_id", flat=True))
    declined = set(target_seats.exclude(status__in=DrawSeat.ACTIVE).values_list("user_id", flat=True))
    months = settings.DRAW_ROTATION_MONTHS
    since = now - relativedelta(months=months) if months else now + timedelta(days=1)
    rotation = _recent_inspectors(organisation, since, kind=kind, target=target)

    excluded = {}
    for pk, is_active in people:
        profile = profiles.get(pk)
        reasons = []
        if not is_active or (profile is not None and not profile.active):
            reasons.append(Exclusion.INACTIVE)
        if kind == Draw.Kind.PANEL and codes and not (profile and any(profile.covers(code) for code in codes)):
            reasons.append(Exclusion.NO_FIELD_MATCH)
        for reason, group in (
            (Exclusion.MEMBER, members),
            (Exclusion.EMPLOYEE, employees),
            (Exclusion.FORMER_EMPLOYEE, former),
            (Exclusion.DECLARED_CONFLICT, conflicts),
            (Exclusion.ACTED_ON_CASE, acted),
            (Exclusion.SEATED, seated),
            (Exclusion.DECLINED, declined),
            (Exclusion.ROTATION, rotation),
        ):
            if pk in group:
                reasons.append(reason)
        if reasons:
            excluded[pk] = [str(reason.value) for reason in reasons]
    criteria = {
        "pool": role,
        "occupations": codes if kind == Draw.Kind.PANEL else [],
        "rotation_months": months,
        "rotation_since": since.isoformat() if months else None,
        "order": ORDER,
    }
    return PoolEvaluation(kind=kind, pool=pool, excluded=excluded, criteria=criteria)


@dataclass(frozen=True)
class Replay:
    draw: Draw
    ranking: list[tuple[int, str]]  # (user id, key) for every eligible person, in draw order
    selected: list[int]
    matches: bool  # the recomputed selection equals the recorded one
    digest_matches: bool  # the record hashes to the digest taken when it was drawn

    @property
    def ok(self) -> bool:
        return self.matches and self.digest_matches


def replay(draw: Draw) -> Replay:
    """Recompute a recorded draw from its seed and eligible list."""
    order = ranking(draw.seed, list(draw.eligible))
    selected = order[: draw.seats_wanted]
    recomputed_digest = digest(
        kind=draw.kind,
        seed=draw.seed,
        seats_wanted=draw.seats_wanted,
        criteria=draw.criteria,
        pool=draw.pool,
        eligible=draw.eligible,
        excluded=draw.excluded,
        selected=draw.selected,
    )
    return Replay(
        draw=draw,
        ranking=[(user_id, rank_key(draw.seed, user_id)) for user_id in order],
        selected=selected,
        matches=selected == list(draw.selected) and draw.algorithm == ALGORITHM,
        digest_matches=recomputed_digest == draw.digest,
    )
