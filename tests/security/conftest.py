import pytest

from tests.registry.conftest import filing, occupations  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
