"""Random inspection campaigns (双随机一公开): random bodies by a replayable seed, random inspectors."""

import math
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.common.numbering import next_number
from cases.draws import services as draw_services
from cases.draws.engine import DrawImpossible, new_seed, select
from cases.models import CaseState as C
from cases.models import (
    Draw,
    Filing,
    SupervisionCampaign,
)
from cases.supervision.selectors import campaign_population
from cases.supervision.services.cases import Trigger, _name, _require_supervisor, case_open, case_team_assign
from workflow import roles

CAMPAIGN_NUMBER_PATTERN = "京技抽{year}{seq:03d}"


# Random inspection campaigns (双随机一公开)


class PoolTooSmall(Exception):
    def __init__(self, filing_id: int, eligible: int):
        super().__init__(filing_id, eligible)
        self.filing_id, self.eligible = filing_id, eligible


def draw_sample(
    *, seed: str, population: list[int], pool: list[int], exclusions: dict, size: int, per_case: int
) -> list[dict]:
    """The draw itself, a pure function of its recorded inputs: replaying it gives the same result.

    It reuses the selection of the inspection draws (cases.draws.engine.select, "sha256-rank-v1"): bodies are
    the `size` filing ids with the smallest SHA-256("<seed>:bodies:<filing id>"); each drawn body's team
    is the `per_case` inspectors of the pool, minus that body's conflicts, with the smallest
    SHA-256("<seed>:<filing id>:<user id>"), the first being the leader. Anyone holding the recorded seed,
    population, pool and exclusions can recompute it with any SHA-256 tool.
    """
    result = []
    for filing_id in select(f"{seed}:bodies", sorted(population), size):
        excluded = set(exclusions.get(str(filing_id), []))
        eligible = [user_id for user_id in sorted(pool) if user_id not in excluded]
        if len(eligible) < per_case:
            raise PoolTooSmall(filing_id, len(eligible))
        result.append({"filing": filing_id, "inspectors": select(f"{seed}:{filing_id}", eligible, per_case)})
    return result


def sample_size_of(campaign: SupervisionCampaign, population: int) -> int:
    if campaign.sample_size is not None:
        return campaign.sample_size
    return max(1, math.ceil(population * campaign.sample_ratio / 100))


@transaction.atomic
def campaign_create(
    *,
    actor,
    name: str,
    inspector_pool: Iterable,
    sample_size: int | None = None,
    sample_ratio: int | None = None,
    inspectors_per_case: int = 2,
    description: str = "",
    districts: Iterable = (),
    kinds: Iterable[str] = (),
    categories: Iterable[str] = (),
    occupations: Iterable = (),
) -> SupervisionCampaign:
    """Define a campaign: population filter, sample size or ratio, inspector pool."""
    _require_supervisor(actor)
    if (sample_size is None) == (sample_ratio is None):
        raise ValidationError(_("Give either a sample size or a sample ratio, not both."))
    if sample_size is not None and sample_size < 1:
        raise ValidationError(_("The sample size must be at least 1."))
    if sample_ratio is not None and not 1 <= sample_ratio <= 100:
        raise ValidationError(_("The sample ratio must be between 1 and 100 per cent."))
    pool = list(inspector_pool)
    not_inspectors = [user for user in pool if not roles.has_role(user, roles.INSPECTOR)]
    if not_inspectors:
        raise ValidationError(
            _("Only inspectors can be in the pool: %(names)s is not one.")
            % {"names": "、".join(_name(user) for user in not_inspectors)}
        )
    if len(pool) < inspectors_per_case:
        raise ValidationError(
            _("The inspector pool needs at least %(count)d inspectors (one team).") % {"count": inspectors_per_case}
        )
    campaign = SupervisionCampaign(
        number=next_number(
            name="supervision_campaign",
            pattern_setting="SUPERVISION_CAMPAIGN_NUMBER_PATTERN",
            default=CAMPAIGN_NUMBER_PATTERN,
        ),
        name=name.strip(),
        description=description.strip(),
        kinds=list(kinds),
        categories=list(categories),
        sample_size=sample_size,
        sample_ratio=sample_ratio,
        inspectors_per_case=inspectors_per_case,
        created_by=actor,
    )
    campaign.full_clean(exclude=["created_by", "state"])
    campaign.save()
    campaign.districts.set(list(districts))
    campaign.occupations.set(list(occupations))
    campaign.inspector_pool.set(pool)
    audit_record(actor=actor, action="campaign.created", obj=campaign, to_state=campaign.state)
    return campaign


def campaign_draw(*, campaign: SupervisionCampaign, actor, seed: str | None = None) -> SupervisionCampaign:
    """Draw bodies and inspectors at random with a recorded seed, and open one case per drawn body."""
    _require_supervisor(actor)
    User = get_user_model()
    with transaction.atomic():
        campaign = SupervisionCampaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state != SupervisionCampaign.State.DRAFT:
            raise ValidationError(
                _("Campaign %(number)s was already drawn on %(date)s.")
                % {"number": campaign.number, "date": timezone.localtime(campaign.drawn_at).strftime("%Y-%m-%d")}
            )
        population = sorted(campaign_population(campaign).values_list("pk", flat=True))
        if not population:
            raise ValidationError(_("No active filed body matches the campaign's filter."))
        size = sample_size_of(campaign, len(population))
        if size > len(population):
            raise ValidationError(
                _(
                    "The campaign asks for %(size)d bodies but only %(population)d active bodies match its filter. "
                    "Lower the sample size or widen the filter."
                )
                % {"size": size, "population": len(population)}
            )
        pool = sorted(
            campaign.inspector_pool.filter(is_active=True)
            .exclude(inspector_profile__active=False)
            .values_list("pk", flat=True)
        )
        if len(pool) < campaign.inspectors_per_case:
            raise ValidationError(
                _("Only %(pool)d active inspectors are in the pool; each body needs %(per_case)d.")
                % {"pool": len(pool), "per_case": campaign.inspectors_per_case}
            )
        seed = new_seed() if seed is None else str(seed)
        bodies = select(f"{seed}:bodies", population, size)
        filings = Filing.objects.select_related("organisation").in_bulk(bodies)
        cases, drawn, exclusions = [], [], {}
        for filing_id in bodies:
            # Each body's team goes through the draw engine of the filings: the same conflict rules and the same
            # rotation history (who inspected the body for its filing or an earlier case is left out).
            case = case_open(
                filing=filings[filing_id],
                trigger=Trigger.CAMPAIGN,
                trigger_key=campaign.number,
                summary=_("Drawn in the random inspection campaign %(campaign)s.") % {"campaign": campaign},
                actor=actor,
                campaign=campaign,
            )
            try:
                draw = draw_services.draw_make(
                    kind=Draw.Kind.TEAM,
                    application=case,
                    target=case,
                    seat_roles=draw_services.team_roles(campaign.inspectors_per_case),
                    actor=actor,
                    seed=f"{seed}:{filing_id}",
                    pool_users=pool,
                )
            except DrawImpossible as error:
                raise ValidationError(
                    _("No team can be drawn for %(body)s: %(reason)s")
                    % {"body": filings[filing_id].organisation.name, "reason": " ".join(error.messages)}
                ) from None
            excluded = sorted(row["user"] for row in draw.excluded)
            if excluded:
                exclusions[str(filing_id)] = excluded
            drawn.append({"filing": filing_id, "inspectors": list(draw.selected)})
            cases.append((case, draw))
        campaign.seed, campaign.population, campaign.pool = seed, population, pool
        campaign.exclusions, campaign.draw, campaign.drawn_at = exclusions, drawn, timezone.now()
        campaign.record_draw()
        campaign.save()
        audit_record(
            actor=actor,
            action="campaign.drawn",
            obj=campaign,
            from_state=SupervisionCampaign.State.DRAFT,
            to_state=campaign.state,
            public=True,
            data={"seed": str(seed), "population": len(population), "sample": size, "draw": drawn},
        )
        users = User.objects.in_bulk([user_id for entry in drawn for user_id in entry["inspectors"]])
        for case, draw in cases:
            case_team_assign(case=case, team=[users[user_id] for user_id in draw.selected])
    return campaign


def campaign_replay(campaign: SupervisionCampaign) -> bool:
    """Whether drawing again from the recorded seed, population and pool gives the recorded result."""
    if not campaign.seed:
        return False
    replayed = draw_sample(
        seed=campaign.seed,
        population=campaign.population,
        pool=campaign.pool,
        exclusions=campaign.exclusions,
        size=len(campaign.draw),
        per_case=campaign.inspectors_per_case,
    )
    return replayed == campaign.draw


@transaction.atomic
def campaign_close(*, campaign: SupervisionCampaign, actor, summary: str) -> SupervisionCampaign:
    """Close a campaign whose cases are all closed; its results become public."""
    _require_supervisor(actor)
    campaign = SupervisionCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state != SupervisionCampaign.State.DRAWN:
        raise ValidationError(_("Only a drawn campaign can be closed."))
    still_open = list(campaign.cases.exclude(state=C.CLOSED).values_list("number", flat=True))
    if still_open:
        raise ValidationError(
            _("%(count)d cases of this campaign are still open: %(numbers)s.")
            % {"count": len(still_open), "numbers": "、".join(still_open)}
        )
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError(_("Write a short summary of the results; it is published."))
    campaign.results_summary, campaign.closed_at = summary, timezone.now()
    campaign.close()
    campaign.save()
    audit_record(
        actor=actor,
        action="campaign.closed",
        obj=campaign,
        from_state=SupervisionCampaign.State.DRAWN,
        to_state=campaign.state,
        public=True,
    )
    return campaign
