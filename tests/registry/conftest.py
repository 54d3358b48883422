import pytest

from cases.common.demo import OCCUPATIONS_SAMPLE
from cases.common.reference import occupations_import_csv
from cases.models import Occupation
from tests.registry.helpers import make_filing


@pytest.fixture
def occupations(db):
    occupations_import_csv(text=OCCUPATIONS_SAMPLE.read_text(encoding="utf-8"))
    return list(Occupation.objects.filter(code__in=["6-18-02-04", "6-31-01-03"]).order_by("code"))


@pytest.fixture
def filing(organisation, occupations):
    """The `organisation` fixture's body (the `applicant` fixture is its member), filed for welder and electrician."""
    return make_filing(organisation=organisation, occupations=occupations)
