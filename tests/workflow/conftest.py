import random
from datetime import datetime, time

import pytest
from django.utils import timezone

from cases.applications.simulation import complete_draft
from cases.common.demo import OCCUPATIONS_SAMPLE
from cases.common.reference import occupations_import_csv
from cases.models import ExpertProfile, Occupation
from tests.factories import UserFactory
from workflow import roles


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def occupation(db):
    occupations_import_csv(text=OCCUPATIONS_SAMPLE.read_text(encoding="utf-8"))
    return Occupation.objects.get(code="6-18-02-04")


@pytest.fixture
def inspectors(db):
    return [UserFactory(username=f"t-inspector-{n}", roles=[roles.INSPECTOR]) for n in range(2)]


@pytest.fixture
def experts(db):
    """Three experts whose field (occupation group 6) covers the draft's occupation, so panel draws find them."""
    people = [UserFactory(username=f"t-expert-{n}", roles=[roles.EXPERT]) for n in range(3)]
    ExpertProfile.objects.bulk_create(ExpertProfile(user=user, fields=["6"]) for user in people)
    return people


@pytest.fixture
def draft(applicant, organisation, occupation):
    return complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=random.Random(1))


def at(day, hour=10):
    """An aware datetime on `day` in the project's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def submit(application, applicant):
    """Submit, or resubmit after a return with every open deficiency answered (as the applicant must)."""
    from cases.applications import services as apply
    from cases.models import Deficiency

    for deficiency in Deficiency.objects.filter(application=application, status__in=Deficiency.OUTSTANDING):
        apply.deficiency_answer(deficiency=deficiency, actor=applicant, reply="已补充")
    return apply.application_submit(application=application, actor=applicant)
