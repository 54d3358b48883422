import random
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone
from stdnum.cn import ric

from cases.applications.simulation import complete_draft
from cases.certificates.services import batches as services
from cases.certificates.services import plans
from cases.models import ApplicationState, Filing, FilingApplication, FilingScope, Occupation, RosterMember
from tests.factories import OrganisationFactory, UserFactory
from workflow import roles

HEADER = "姓名,身份证号,职业编码,等级,理论知识成绩,操作技能成绩,综合评审成绩,认定结果"


@pytest.fixture(autouse=True)
def _certificate_settings(settings, tmp_path):
    settings.BACKGROUND_JOBS = "inline"
    settings.PUBLIC_BASE_URL = "https://zs.example.cn"


@pytest.fixture
def other_occupation(occupation):
    return Occupation.objects.get(code="6-18-01-01", trade="")


def make_filing(*, organisation, applicant, occupation, levels=(5, 4, 3), seed=1, extra=()):
    """A filed body: a complete application (roster, venue) entered in the registry directly."""
    application = complete_draft(
        applicant=applicant, organisation=organisation, occupation=occupation, rng=random.Random(seed)
    )
    FilingApplication.objects.filter(pk=application.pk).update(state=ApplicationState.FILED)
    today = timezone.localdate()
    filing = Filing.objects.create(
        number=f"京技备T{application.pk:06d}",
        organisation=organisation,
        application=application,
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=5 * 365),
        registered_by=applicant,
    )
    FilingScope.objects.create(filing=filing, occupation=occupation, levels=list(levels), methods=["process"])
    for other, other_levels in extra:
        FilingScope.objects.create(filing=filing, occupation=other, levels=list(other_levels), methods=["process"])
    return filing


@pytest.fixture
def filing(applicant, organisation, occupation):
    return make_filing(organisation=organisation, applicant=applicant, occupation=occupation)


def id_number(n: int, birth: str | None = None) -> str:
    """A valid resident ID number, distinct for each n (up to millions)."""
    birth = birth or (date(1970, 1, 1) + timedelta(days=n // 1000)).strftime("%Y%m%d")
    body = f"110105{birth}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_plan(filing, actor, *, level=4, occupation=None, expected=10, day=None):
    application = filing.application
    scope = filing.scope.get(occupation=occupation or filing.scope.first().occupation)
    examiners = list(application.roster.filter(role=RosterMember.Role.EXAMINER, occupation=scope.occupation))
    if not examiners:
        examiners = [
            RosterMember.objects.create(
                application=application,
                role=RosterMember.Role.EXAMINER,
                name="考评员",
                id_number=id_number(999, "19700101"),
                occupation=scope.occupation,
            )
        ]
    return plans.assessment_plan_create(
        actor=actor,
        scope=scope,
        level=level,
        assessment_date=day or timezone.localdate(),
        venue=application.venues.first(),
        expected_candidates=expected,
        examiners=examiners,
        internal_supervisor=application.roster.get(role=RosterMember.Role.SUPERVISOR),
    )


def results_csv(rows, header=HEADER) -> bytes:
    return ("\n".join([header, *(",".join(str(v) for v in row) for row in rows)]) + "\n").encode("utf-8")


def good_rows(count, *, code="6-18-02-04", level=4, start=0, passed=True):
    return [
        (f"学员{start + n}", id_number(start + n), code, level, 80, 85, "", "合格" if passed else "不合格")
        for n in range(count)
    ]


def upload(content: bytes, name="results.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def run_import(batch, actor, content: bytes, name="results.csv"):
    """Upload a file and run its import job (on commit, as in production; inline in tests)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = services.result_import_start(batch=batch, actor=actor, uploaded=upload(content, name))
    job.refresh_from_db()
    batch.refresh_from_db()
    return job


def imported_batch(plan, actor, rows):
    batch = services.result_batch_create(plan=plan, actor=actor)
    run_import(batch, actor, results_csv(rows))
    return batch


@pytest.fixture
def reviewer(db):
    return UserFactory(username="t-reviewer", roles=[roles.SUPERVISOR])


@pytest.fixture
def other_body(db):
    user = UserFactory(username="t-other-applicant", roles=[roles.APPLICANT])
    organisation = OrganisationFactory(name="其他评价机构", members=[user])
    return organisation, user
