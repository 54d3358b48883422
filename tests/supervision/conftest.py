import pytest

from cases.common.demo import OCCUPATIONS_SAMPLE
from cases.common.reference import occupations_import_csv
from cases.models import Occupation
from tests.registry.helpers import make_filing


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def occupations(db):
    occupations_import_csv(text=OCCUPATIONS_SAMPLE.read_text(encoding="utf-8"))
    return list(Occupation.objects.filter(code__in=["6-18-02-04", "6-31-01-03"]).order_by("code"))


@pytest.fixture
def filing(organisation, occupations):
    """The `organisation` fixture's body (the `applicant` fixture is its member), filed for welder and electrician."""
    return make_filing(organisation=organisation, occupations=occupations)


@pytest.fixture
def inspectors(db):
    from tests.factories import UserFactory
    from workflow import roles

    return [UserFactory(username=f"t-sup-inspector-{n}", roles=[roles.INSPECTOR]) for n in range(3)]


@pytest.fixture
def case(filing, supervisor):
    from cases.supervision.services import cases as supervision

    return supervision.case_open(filing=filing, trigger="other", summary="专项检查", actor=supervisor)
