"""Settings for the gunicorn that bench/directory.py starts: the project's own, production-like (DEBUG off),
with plain static storage: the load generator fetches pages, not their static files, so no collectstatic."""

from config.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
