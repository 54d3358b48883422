import pytest
from rest_framework.test import APIClient

from api import services
from tests.certificates.conftest import (  # noqa: F401 (fixtures)
    _certificate_settings,
    filing,
    other_body,
    reviewer,
)
from tests.factories import UserFactory
from workflow import roles


@pytest.fixture(autouse=True)
def _api_settings(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK_HTTP = True
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anonymous": "10000/min"}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def key_client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def make_key(*, organisation, actor, scopes=("read", "submit"), **kwargs):
    account = services.organisation_account(organisation=organisation, actor=actor)
    return services.api_key_create(account=account, actor=actor, name="HR system", scopes=list(scopes), **kwargs)


@pytest.fixture
def org_key(filing, applicant, organisation):  # noqa: F811
    key, raw = make_key(organisation=organisation, actor=applicant)
    return key, raw


@pytest.fixture
def body_api(org_key):
    return key_client(org_key[1])


@pytest.fixture
def bureau_admin(db):
    return UserFactory(username="t-admin", roles=[roles.ADMIN])


@pytest.fixture
def regulator_key(bureau_admin):
    account = services.regulator_account_create(name="省技能人才评价平台", actor=bureau_admin)
    return services.api_key_create(account=account, actor=bureau_admin, name="platform", scopes=["read", "registry"])


@pytest.fixture
def regulator_api(regulator_key):
    return key_client(regulator_key[1])
