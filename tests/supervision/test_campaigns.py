"""Random inspection campaigns (双随机一公开): population, sample, inspector pool, recorded seed, replay."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from audits.models import AuditEvent
from cases.models import District, Filing, SupervisionCase
from cases.registry import services as registry
from cases.supervision.services import campaigns as campaign_services
from cases.supervision.services import cases as supervision
from tests.registry.helpers import make_filing

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry_of_five(occupations):
    return [make_filing(occupations=occupations[: 1 + n % 2]) for n in range(5)]


def _campaign(supervisor, inspectors, **kwargs):
    kwargs.setdefault("sample_size", 3)
    return campaign_services.campaign_create(
        actor=supervisor, name="2026年第一批双随机抽查", inspector_pool=inspectors, **kwargs
    )


def test_draw_opens_one_case_per_drawn_body_with_a_team_from_the_pool(registry_of_five, supervisor, inspectors):
    campaign = campaign_services.campaign_draw(campaign=_campaign(supervisor, inspectors), actor=supervisor)
    assert campaign.state == "drawn" and campaign.seed is not None
    assert campaign.population == sorted(f.pk for f in registry_of_five)
    cases = list(campaign.cases.prefetch_related("inspectors"))
    assert len(cases) == 3 and len({c.filing_id for c in cases}) == 3
    drawn = sorted(campaign.draw, key=lambda e: e["filing"])
    for case, entry in zip(sorted(cases, key=lambda c: c.filing_id), drawn, strict=True):
        assert case.trigger == "campaign" and case.state == "opened"
        assert {u.pk for u in case.inspectors.all()} == set(entry["inspectors"])
        assert case.leader_id == entry["inspectors"][0]
    assert AuditEvent.objects.filter(action="campaign.drawn", public=True).exists()


def test_the_draw_replays_from_its_record(registry_of_five, supervisor, inspectors):
    campaign = campaign_services.campaign_draw(campaign=_campaign(supervisor, inspectors), actor=supervisor)
    assert campaign_services.campaign_replay(campaign)
    campaign.draw[0]["inspectors"].reverse()
    assert not campaign_services.campaign_replay(campaign)


def test_a_given_seed_gives_the_same_draw(registry_of_five, supervisor, inspectors):
    first = campaign_services.campaign_draw(
        campaign=_campaign(supervisor, inspectors), actor=supervisor, seed="20260101"
    )
    second = _campaign(supervisor, inspectors)
    draw = campaign_services.draw_sample(
        seed="20260101",
        population=second_population(second),
        pool=[u.pk for u in inspectors],
        exclusions={},
        size=3,
        per_case=2,
    )
    assert draw == first.draw


def second_population(campaign):
    from cases.supervision.selectors import campaign_population

    return sorted(campaign_population(campaign).values_list("pk", flat=True))


def test_ratio_rounds_up(registry_of_five, supervisor, inspectors):
    campaign = _campaign(supervisor, inspectors, sample_size=None, sample_ratio=50)
    campaign = campaign_services.campaign_draw(campaign=campaign, actor=supervisor)
    assert len(campaign.draw) == 3


def test_a_campaign_larger_than_its_population_names_both_numbers(registry_of_five, supervisor, inspectors):
    campaign = _campaign(supervisor, inspectors, sample_size=6)
    with pytest.raises(ValidationError) as error:
        campaign_services.campaign_draw(campaign=campaign, actor=supervisor)
    assert "6" in error.value.messages[0] and "5" in error.value.messages[0]
    campaign.refresh_from_db()
    assert campaign.state == "draft" and not SupervisionCase.objects.exists()


def test_population_is_active_bodies_matching_the_filter(registry_of_five, supervisor, inspectors):
    revoked, suspended = registry_of_five[:2]
    registry.filing_revoke(filing=revoked, actor=supervisor, reason="x")
    registry.filing_suspend(filing=suspended, actor=supervisor, reason="x")
    campaign = campaign_services.campaign_draw(campaign=_campaign(supervisor, inspectors), actor=supervisor)
    assert campaign.population == sorted(f.pk for f in registry_of_five[2:])


def test_district_filter_with_nobody_in_it(registry_of_five, supervisor, inspectors):
    empty = District.objects.exclude(pk__in=[f.organisation.district_id for f in registry_of_five]).first()
    campaign = _campaign(supervisor, inspectors, districts=[empty])
    with translation.override("en"), pytest.raises(ValidationError, match="filter"):
        campaign_services.campaign_draw(campaign=campaign, actor=supervisor)


def test_an_inspector_never_draws_their_own_organisation(occupations, supervisor, inspectors):
    only = make_filing(occupations=occupations)
    only.organisation.members.add(inspectors[0])
    campaign = campaign_services.campaign_draw(
        campaign=_campaign(supervisor, inspectors, sample_size=1), actor=supervisor
    )
    assert campaign.exclusions == {str(only.pk): [inspectors[0].pk]}
    assert set(campaign.draw[0]["inspectors"]) == {inspectors[1].pk, inspectors[2].pk}


def test_too_few_inspectors_free_of_conflicts_names_the_body(occupations, supervisor, inspectors):
    only = make_filing(occupations=occupations)
    only.organisation.members.add(inspectors[0], inspectors[1])
    campaign = _campaign(supervisor, inspectors, sample_size=1)
    with pytest.raises(ValidationError, match=only.organisation.name):
        campaign_services.campaign_draw(campaign=campaign, actor=supervisor)


def test_drawing_twice_is_refused(registry_of_five, supervisor, inspectors):
    campaign = campaign_services.campaign_draw(campaign=_campaign(supervisor, inspectors), actor=supervisor)
    with pytest.raises(ValidationError):
        campaign_services.campaign_draw(campaign=campaign, actor=supervisor)
    assert campaign.cases.count() == 3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sample_size": 2, "sample_ratio": 10},
        {"sample_size": None, "sample_ratio": None},
        {"sample_size": 0},
        {"sample_size": None, "sample_ratio": 101},
    ],
)
def test_size_or_ratio(supervisor, inspectors, kwargs):
    with pytest.raises(ValidationError):
        _campaign(supervisor, inspectors, **kwargs)


def test_the_pool_is_of_inspectors_and_big_enough(supervisor, inspectors, clerk):
    with pytest.raises(ValidationError):
        _campaign(supervisor, [inspectors[0], clerk])
    with pytest.raises(ValidationError):
        _campaign(supervisor, inspectors[:1])


def test_only_supervisors_run_campaigns(registry_of_five, supervisor, inspectors, clerk):
    with pytest.raises(PermissionDenied):
        _campaign(clerk, inspectors)
    campaign = _campaign(supervisor, inspectors)
    with pytest.raises(PermissionDenied):
        campaign_services.campaign_draw(campaign=campaign, actor=clerk)


def test_closing_needs_every_case_closed_and_a_summary(registry_of_five, supervisor, inspectors):
    campaign = campaign_services.campaign_draw(
        campaign=_campaign(supervisor, inspectors, sample_size=1), actor=supervisor
    )
    with pytest.raises(ValidationError, match=campaign.cases.get().number):
        campaign_services.campaign_close(campaign=campaign, actor=supervisor, summary="全部合格")
    case = campaign.cases.get()
    from tests.supervision import steps

    steps.to_findings(case, supervisor, [case.leader, *case.inspectors.exclude(pk=case.leader_id)], problems=())
    supervision.case_decide(case=case, actor=supervisor, decision="close")
    with pytest.raises(ValidationError):
        campaign_services.campaign_close(campaign=campaign, actor=supervisor, summary="")
    campaign = campaign_services.campaign_close(campaign=campaign, actor=supervisor, summary="抽查1家，未发现问题。")
    assert campaign.state == "closed" and campaign.closed_at


def test_a_campaign_case_keeps_its_drawn_team_and_cannot_be_dismissed(registry_of_five, supervisor, inspectors):
    from django.utils import timezone

    campaign = campaign_services.campaign_draw(
        campaign=_campaign(supervisor, inspectors, sample_size=1), actor=supervisor
    )
    case = campaign.cases.get()
    with pytest.raises(ValidationError):
        supervision.case_dismiss(case=case, actor=supervisor, reason="x")
    drawn = set(case.inspectors.values_list("pk", flat=True))
    other = next(u for u in inspectors if u.pk not in drawn)
    case = supervision.case_plan_inspection(
        case=case, actor=supervisor, inspection_date=timezone.localdate(), leader=other, members=[other]
    )
    assert set(case.inspectors.values_list("pk", flat=True)) == drawn
    assert Filing.objects.get(pk=case.filing_id).status == "active"


def test_declared_relations_and_employers_are_conflicts_too(occupations, supervisor, inspectors):
    from cases.models import DeclaredRelation, InspectorProfile

    only = make_filing(occupations=occupations)
    DeclaredRelation.objects.create(user=inspectors[0], organisation=only.organisation, kind="former_employee")
    InspectorProfile.objects.create(user=inspectors[1], employer=only.organisation)
    campaign = _campaign(supervisor, [*inspectors, *_more_inspectors(2)], sample_size=1)
    campaign = campaign_services.campaign_draw(campaign=campaign, actor=supervisor)
    assert campaign.exclusions == {str(only.pk): sorted([inspectors[0].pk, inspectors[1].pk])}
    assert not {inspectors[0].pk, inspectors[1].pk} & set(campaign.draw[0]["inspectors"])


def test_inactive_pool_profiles_are_not_drawn(occupations, supervisor, inspectors):
    from cases.models import InspectorProfile

    make_filing(occupations=occupations)
    InspectorProfile.objects.create(user=inspectors[0], active=False)
    campaign = campaign_services.campaign_draw(
        campaign=_campaign(supervisor, inspectors, sample_size=1), actor=supervisor
    )
    assert inspectors[0].pk not in campaign.pool


def _more_inspectors(count):
    from tests.factories import UserFactory
    from workflow import roles

    return [UserFactory(username=f"t-more-inspector-{n}", roles=[roles.INSPECTOR]) for n in range(count)]


def test_closing_a_draft_or_by_the_wrong_role_is_refused(registry_of_five, supervisor, inspectors, clerk):
    campaign = _campaign(supervisor, inspectors)
    with pytest.raises(ValidationError):
        campaign_services.campaign_close(campaign=campaign, actor=supervisor, summary="x")
    campaign_services.campaign_draw(campaign=campaign, actor=supervisor)
    with pytest.raises(PermissionDenied):
        campaign_services.campaign_close(campaign=campaign, actor=clerk, summary="x")
    campaign.refresh_from_db()
    assert campaign.state == "drawn"
