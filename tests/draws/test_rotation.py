"""Rotation across flows: one draw history for filings and random campaigns, in both directions."""

import pytest
from django.utils import timezone

from cases.draws.engine import Exclusion, replay
from cases.inspections import services as inspection_services
from cases.models import Draw
from cases.supervision.services import campaigns as campaign_services
from tests.inspections.fixtures import make_inspectors, plan
from tests.registry.helpers import make_filing

pytestmark = pytest.mark.django_db


def _campaign_draw(supervisor, pool, seed="c-seed"):
    campaign = campaign_services.campaign_create(
        actor=supervisor, name="双随机抽查", inspector_pool=pool, sample_size=1
    )
    return campaign_services.campaign_draw(campaign=campaign, actor=supervisor, seed=seed)


def test_who_inspected_a_body_for_its_filing_is_not_drawn_for_its_supervision(
    accepted, chief, inspector_pool, supervisor, occupation
):
    inspection = plan(accepted, chief)
    filing_team = {inspection.leader_id, *inspection.members.values_list("pk", flat=True)}
    make_filing(organisation=accepted.organisation, occupations=[occupation])
    campaign = _campaign_draw(supervisor, inspector_pool)
    case = campaign.cases.get()
    drawn = set(case.inspectors.values_list("pk", flat=True))
    assert drawn and not drawn & filing_team
    draw = Draw.objects.get(supervision_case=case)
    rotation = {row["user"] for row in draw.excluded if Exclusion.ROTATION in row["reasons"]}
    assert rotation == filing_team
    assert campaign.exclusions[str(case.filing_id)] == sorted(filing_team)
    assert replay(draw).ok and campaign_services.campaign_replay(campaign)


def test_who_inspected_a_body_in_a_campaign_is_not_drawn_for_its_next_filing_inspection(
    accepted, chief, inspector_pool, supervisor, occupation
):
    make_filing(organisation=accepted.organisation, occupations=[occupation])
    campaign = _campaign_draw(supervisor, inspector_pool)
    campaign_team = set(campaign.cases.get().inspectors.values_list("pk", flat=True))
    inspection = plan(accepted, chief)
    filing_team = {inspection.leader_id, *inspection.members.values_list("pk", flat=True)}
    assert not filing_team & campaign_team
    draw = Draw.objects.get(inspection=inspection)
    assert {row["user"] for row in draw.excluded} >= campaign_team


def test_a_hand_picked_supervision_team_counts_in_the_history(accepted, chief, supervisor, occupation):
    from cases.supervision.services import cases as supervision

    pool = make_inspectors(4, start=20)
    filing = make_filing(organisation=accepted.organisation, occupations=[occupation])
    case = supervision.case_open(filing=filing, trigger="other", summary="专项检查", actor=supervisor)
    supervision.case_plan_inspection(
        case=case, actor=supervisor, inspection_date=timezone.localdate(), leader=pool[0], members=[pool[1]]
    )
    inspection_services.inspection_plan(application=accepted, actor=chief, planned_date=timezone.localdate(), seed="x")
    team = set(accepted.inspections.first().members.values_list("pk", flat=True))
    assert not team & {pool[0].pk, pool[1].pk}


def test_a_campaign_without_enough_inspectors_left_names_the_rotation(accepted, chief, supervisor, occupation):
    from django.core.exceptions import ValidationError

    pool = make_inspectors(3, start=40)
    inspection_services.inspection_plan(application=accepted, actor=chief, planned_date=timezone.localdate(), seed="x")
    make_filing(organisation=accepted.organisation, occupations=[occupation])
    with pytest.raises(ValidationError) as error:
        _campaign_draw(supervisor, pool)
    assert accepted.organisation.name in error.value.messages[0]
    assert str(Exclusion.ROTATION.label) in error.value.messages[0]
