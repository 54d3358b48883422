from tests.registry.conftest import filing, occupations  # noqa: F401 (fixtures)
