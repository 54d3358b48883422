from tests.registry.conftest import filing, occupations  # noqa: F401 (fixtures)


def pytest_collection_modifyitems(config, items):
    """The access matrix runs first, on a fresh database: the URL parameters its world does not name are filled
    with 1 (tests/security/matrix_world.py), which names the same objects only before other tests add rows."""
    first = [item for item in items if item.nodeid.startswith("tests/security/test_access_matrix.py")]
    items[:] = first + [item for item in items if item not in first]
