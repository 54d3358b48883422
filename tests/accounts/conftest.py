import pytest
from django.core.cache import cache
from django_otp.oath import TOTP

from cases.accounts import services
from tests.factories import UserFactory
from workflow import roles

PASSWORD = "Correct-horse-42"


@pytest.fixture(autouse=True)
def _clean(settings):
    cache.clear()
    settings.AXES_FAILURE_LIMIT = 5


@pytest.fixture
def two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True


def make_user(username, role, password=PASSWORD):
    user = UserFactory(username=username, roles=[role])
    user.set_password(password)
    user.save()
    return user


@pytest.fixture
def clerk_user(db):
    return make_user("t-clerk2", roles.CLERK)


@pytest.fixture
def applicant_user(db):
    return make_user("t-applicant2", roles.APPLICANT)


@pytest.fixture
def admin_user(db):
    return make_user("t-admin2", roles.ADMIN)


def sign_in(client, username, password=PASSWORD, ip="198.51.100.20", **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def current_code(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def enrolled(user):
    """A confirmed authenticator for user; returns (device, recovery codes)."""
    device = services.totp_device_for_enrolment(user=user)
    codes = services.totp_enrol_confirm(user=user, device=device, token=current_code(device))
    # A code is accepted once per 30-second step; let the next test step reuse the current one.
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return device, codes
