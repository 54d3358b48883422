import pytest

MIDDLEWARE = "audits.middleware.AuditContextMiddleware"


@pytest.fixture
def audit_middleware(settings):
    """The audit context middleware, placed after authentication, until config/settings.py lists it."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        position = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[:position], MIDDLEWARE, *settings.MIDDLEWARE[position:]]
