import pytest
from django.utils import translation

from tests.registry.conftest import filing, occupations  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english():
    """Refusals are compared in English (the msgids), whatever the zh_Hans catalogue says."""
    with translation.override("en"):
        yield
