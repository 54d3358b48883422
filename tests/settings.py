"""The settings the test suite runs with: the development settings (DEBUG on unless the environment says
otherwise), so that a bare `pytest` works without the Makefile; production checks are exercised explicitly."""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: E402, F403
