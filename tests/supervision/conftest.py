import pytest

from tests.registry.conftest import filing, occupations  # noqa: F401 (fixtures)


@pytest.fixture
def inspectors(db):
    from tests.factories import UserFactory
    from workflow import roles

    return [UserFactory(username=f"t-sup-inspector-{n}", roles=[roles.INSPECTOR]) for n in range(3)]


@pytest.fixture
def case(filing, supervisor):  # noqa: F811 (the imported fixture)
    from cases.supervision.services import cases as supervision

    return supervision.case_open(filing=filing, trigger="other", summary="专项检查", actor=supervisor)
