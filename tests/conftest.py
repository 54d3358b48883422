import random

import pytest
from django.utils import translation

from audits.purge import flush_may_purge
from cases.applications.simulation import complete_draft
from cases.common.demo import OCCUPATIONS_SAMPLE
from cases.common.reference import occupations_import_csv
from cases.models import ExpertProfile, Occupation
from config.celery import app as celery_app
from tests.factories import OrganisationFactory, UserFactory
from workflow import roles

# The test folders whose tests compare messages in English (the msgids), whatever the zh_Hans catalogue says;
# the Chinese wording is checked by tests/test_i18n.py and the browser tests.
ENGLISH_FOLDERS = {"api", "assessments", "certificates", "draws", "inspections", "registry", "security"}


@pytest.fixture(autouse=True, scope="session")
def _flush_may_purge_audit_trail():
    # Transactional tests (and live_server) empty every table with `flush` after each test;
    # the append-only audit trail refuses that unless the purge guard is lifted.
    with flush_may_purge():
        yield


@pytest.fixture(autouse=True, scope="session")
def _document_signing(tmp_path_factory):
    """Issued documents are signed: a throwaway demo CA, signing key and QR key for the whole run."""
    from django.conf import settings

    from cases.documents.demo_signing import demo_signing_material

    material = demo_signing_material(tmp_path_factory.mktemp("signing"), passphrase="test", authority="测试人社局")
    settings.DOCUMENT_SIGNING_BACKEND = "pkcs12"
    settings.DOCUMENT_SIGNING_PKCS12, settings.DOCUMENT_SIGNING_PASSPHRASE = str(material.pkcs12), "test"
    settings.DOCUMENT_SIGNING_TRUST_ROOTS = [str(material.ca)]
    settings.DOCUMENT_QR_KEY, settings.DOCUMENT_QR_KEY_PASSPHRASE = str(material.qr_key), "test"
    settings.DOCUMENT_QR_PUBLIC_KEYS = []
    return material


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _role_user(role):
    return UserFactory(username=f"t-{role}", roles=[role])


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="示例精密机械有限公司")


@pytest.fixture
def applicant(db, organisation):
    user = _role_user(roles.APPLICANT)
    organisation.members.add(user)
    return user


@pytest.fixture
def clerk(db):
    return _role_user(roles.CLERK)


@pytest.fixture
def chief(db):
    return _role_user(roles.CHIEF)


@pytest.fixture
def inspector(db):
    return _role_user(roles.INSPECTOR)


@pytest.fixture
def expert(db):
    return _role_user(roles.EXPERT)


@pytest.fixture
def approver(db):
    return _role_user(roles.APPROVER)


@pytest.fixture
def supervisor(db):
    return _role_user(roles.SUPERVISOR)


@pytest.fixture
def auditor(db):
    return _role_user(roles.AUDITOR)


@pytest.fixture
def outsider(db):
    """A signed-up user with no role and no organisation."""
    return UserFactory(username="t-outsider")


@pytest.fixture(autouse=True)
def _eager_jobs(request):
    """Jobs run in the test itself, also when REDIS_URL is set (modules with THROUGH_REDIS = True opt out)."""
    if getattr(request.module, "THROUGH_REDIS", False):
        yield
        return
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_in_folders(request):
    if request.path.parent.name in ENGLISH_FOLDERS:
        request.getfixturevalue("english")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads and issued documents go to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def occupation(db):
    """Welder (焊工, 6-18-02-04), from the sample of the national occupation catalogue."""
    occupations_import_csv(text=OCCUPATIONS_SAMPLE.read_text(encoding="utf-8"))
    return Occupation.objects.get(code="6-18-02-04", trade="")


@pytest.fixture
def inspectors(db):
    return [UserFactory(username=f"t-inspector-{n}", roles=[roles.INSPECTOR]) for n in range(2)]


@pytest.fixture
def experts(db):
    """Three experts whose field (occupation group 6) covers the draft's occupation, so panel draws find them."""
    people = [UserFactory(username=f"t-expert-{n}", roles=[roles.EXPERT]) for n in range(3)]
    ExpertProfile.objects.bulk_create(ExpertProfile(user=user, fields=["6"]) for user in people)
    return people


@pytest.fixture
def draft(applicant, organisation, occupation):
    """A complete draft application of `organisation` for welder, ready to submit."""
    return complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=random.Random(1))
