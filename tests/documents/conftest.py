import pytest


@pytest.fixture
def media_root(settings, tmp_path):
    """Stored documents go to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
