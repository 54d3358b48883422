from tests.inspections.fixtures import *  # noqa: F403
