"""Settings of the gunicorn that bench/load.py starts: the project's own (DEBUG off), with plain static storage
(the load generator fetches pages, not their static files) and the /verify/ limit lifted (all the load comes
from one address; the limit is not what is measured)."""

from config.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
VERIFY_RATE_LIMIT = 10**9
INSTALLED_APPS = [*INSTALLED_APPS, "_bench_flows"]  # noqa: F405  (the bare viewflow flow of the comparison)
