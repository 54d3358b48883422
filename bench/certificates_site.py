"""Settings for the gunicorn that bench/certificates.py starts: the project's own, with a URLconf that adds
a bare view returning a constant (bench/certificates_urls.py), so that /verify/ and the constant view go
through the same middleware and server."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "certificates_urls"
# The load generator fetches pages, not their static files: skip collectstatic and its manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Persistent database connections, as production runs (PostgreSQL with conn_max_age): on SQLite a new
# connection per request costs more than the look-up itself.
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
