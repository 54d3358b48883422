"""A public selection's world: two occupations, social organisations with complete applications, an expert pool,
and calls whose window lies in the past (the services take `today`), so that the window has closed when the
flow's timers fire."""

import itertools
import random
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from viewflow.workflow.timers import fire_due_timers

from cases.common.demo import OCCUPATIONS_SAMPLE
from cases.common.reference import occupations_import_csv
from cases.models import (
    ExpertProfile,
    Occupation,
    Organisation,
    SelectionRubric,
)
from cases.selection.services import applications as apply
from cases.selection.services import calls
from cases.selection.simulation import fill_application
from tests.factories import OrganisationFactory, UserFactory
from workflow import roles

ELDER_CARE, HOUSEKEEPING = "4-10-01-05", "4-10-01-01"
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKGROUND_JOBS = "inline"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (objections online) start at nothing in every test, in Redis as in local memory."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_messages():
    """Messages raised by services are compared in English (the msgids), whatever the catalogues say."""
    with translation.override("en"):
        yield


@pytest.fixture
def occupations(db):
    occupations_import_csv(text=OCCUPATIONS_SAMPLE.read_text(encoding="utf-8"))
    return Occupation.objects.get(code=ELDER_CARE), Occupation.objects.get(code=HOUSEKEEPING)


@pytest.fixture
def rubric(db):
    return SelectionRubric.objects.current()


@pytest.fixture
def experts(db):
    """Four experts whose field (occupation group 4-10) covers both occupations of the call."""
    people = [UserFactory(username=f"t-sel-expert-{n}", roles=[roles.EXPERT]) for n in range(4)]
    ExpertProfile.objects.bulk_create(ExpertProfile(user=user, fields=["4-10"]) for user in people)
    return people


def the_past(days: int):
    return timezone.localdate() - timedelta(days=days)


def make_call(chief, occupations, *, opens=None, closes=None, quota=2, publish=True, **fields):
    """A call for the given occupations at level 4, published the day before its window opens."""
    opens = opens or the_past(30)
    closes = closes or opens + timedelta(days=10)
    values = {
        "title": "2026年养老护理员、家政服务员社会培训评价组织遴选",
        "window_opens": opens,
        "window_closes": closes,
        "publication_days": 5,
        "min_years_established": 3,
        "min_capacity": 100,
        "min_examiners": 1,
        "min_venues": 1,
        "clean_record_years": 3,
        "require_good_credit": True,
        "rubric": SelectionRubric.objects.current(),
        "panel_size": 3,
        "tie_rule": "criterion",
        "tie_criterion": "S1",
        "continuation": "inspection",
        **fields,
    }
    call = calls.call_create(actor=chief, **values)
    for occupation in occupations:
        calls.lot_set(call=call, actor=chief, occupation=occupation, level=4, quota=quota)
    if publish:
        calls.call_publish(call=call, actor=chief, today=opens - timedelta(days=1))
    call.refresh_from_db()
    return call


def social_applicant(name: str | None = None):
    n = next(_ids)
    user = UserFactory(username=f"t-sel-applicant-{n}", roles=[roles.APPLICANT])
    organisation = OrganisationFactory(
        name=name or f"测试职业技能评价中心{n}", kind=Organisation.Kind.SOCIAL, members=[user]
    )
    return user, organisation


def fill(application, applicant, occupation, *, capacity=300, examiners=1, venues=1, **options):
    """Every section the call and the filing application ask for, and the declared facts (level 4)."""
    lot = application.call.lots.get(occupation=occupation, level=4)
    fill_application(
        application,
        applicant,
        lot,
        rng=random.Random(1),
        capacity=capacity,
        examiners=examiners,
        venues=venues,
        **options,
    )
    return application


def applied(call, occupation, *, name=None, submit=True, **fill_options):
    """A social organisation's complete application to the call, submitted inside the window."""
    user, organisation = social_applicant(name)
    application = apply.selection_application_create(
        call=call, organisation=organisation, actor=user, today=call.window_opens
    )
    fill(application, user, occupation, **fill_options)
    if submit:
        apply.selection_submit(application=application, actor=user, today=call.window_opens)
    application.refresh_from_db()
    return application, user


def close_window() -> int:
    """The window has closed (it lies in the past): the flow's timers fire and the eligibility tasks appear."""
    return fire_due_timers()
