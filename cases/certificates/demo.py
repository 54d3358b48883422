"""Demo data for certificates (`manage.py seed_certificates`): filed bodies and registered result batches.

Bodies are drafted through the applicant's services and entered in the registry directly; plans,
imports, submission and approval of result batches go through the services the pages use.
"""

import random
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import override_settings
from django.utils import timezone
from stdnum.cn import ric

from audits.services import audit_record
from cases.applications import services as apply
from cases.applications.simulation import complete_draft, new_applicant
from cases.certificates.services import batches as services
from cases.certificates.services import plans as plans_services
from cases.common.numbering import next_number
from cases.models import (
    ApplicationState,
    EvaluationStandard,
    Filing,
    FilingApplication,
    FilingScope,
    Occupation,
    Organisation,
    RosterMember,
    ScopeItem,
)
from workflow import roles

# username -> [(occupation code, trade, levels)]
DEMO_SCOPES = {
    "demo-applicant": [("6-18-02-04", "", [5, 4, 3]), ("6-18-01-01", "", [5, 4, 3, 2])],
    "demo-applicant-social": [("4-03-02-01", "", [5, 4, 3]), ("4-10-01-05", "", [5, 4, 3])],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def resident_id(rng: random.Random) -> str:
    district = rng.choice(["01", "02", "05", "06", "07", "08", "09", "11", "12", "13", "14", "15"])
    body = f"1101{district}{rng.randint(1965, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body + "0")


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def file_body(*, user: User, organisation: Organisation, scope, rng: random.Random) -> Filing:
    """Take a new application for `scope` through the whole filing flow; returns the active filing."""
    existing = Filing.objects.filter(organisation=organisation, status=Filing.Status.ACTIVE).first()
    if existing is not None:
        return existing
    occupations = [(Occupation.objects.get(code=code, trade=trade), levels) for code, trade, levels in scope]
    draft = complete_draft(applicant=user, organisation=organisation, occupation=occupations[0][0], rng=rng)
    first = draft.scope_items.get()
    first.levels = occupations[0][1]
    apply.child_save(application=draft, actor=user, child=first)
    for occupation, levels in occupations[1:]:
        item = ScopeItem(
            occupation=occupation,
            levels=levels,
            methods=["process"],
            standard=EvaluationStandard.NATIONAL,
            yearly_capacity=300,
        )
        apply.child_save(application=draft, actor=user, child=item)
        examiner = RosterMember(
            role=RosterMember.Role.EXAMINER, name=person_name(rng), id_number=resident_id(rng), occupation=occupation
        )
        apply.child_save(application=draft, actor=user, child=examiner)
    return register_in_registry(application=draft)


def register_in_registry(*, application) -> Filing:
    """Enter a complete application in the registry as filed today, with its scope.

    The demo skips the regulators' steps of the filing flow (`simulate_filings` exercises those): what
    certificates need is an active filing with a scope, a roster and venues.
    """
    today = timezone.localdate()
    approver = Group.objects.get(name=roles.APPROVER).user_set.order_by("pk").first()
    FilingApplication.objects.filter(pk=application.pk).update(state=ApplicationState.FILED)
    filing = Filing.objects.create(
        number=next_number(name="filing", pattern_setting="FILING_NUMBER_PATTERN"),
        organisation=application.organisation,
        application=application,
        valid_from=today,
        valid_until=today + relativedelta(years=settings.FILING_VALIDITY_YEARS, days=-1),
        registered_by=approver,
    )
    FilingScope.objects.bulk_create(
        FilingScope(filing=filing, occupation_id=item.occupation_id, levels=item.levels, methods=item.methods)
        for item in application.scope_items.all()
    )
    audit_record(actor=approver, action="filing.registered", obj=filing, to_state=filing.status, data={"demo": True})
    return filing


def file_demo_bodies() -> list[Filing]:
    rng = random.Random(7)
    filings = []
    for username, scope in DEMO_SCOPES.items():
        user = User.objects.get(username=username)
        filings.append(file_body(user=user, organisation=user.organisations.get(), scope=scope, rng=rng))
    return filings


@dataclass
class CertificateOutcome:
    batches: int = 0
    certificates: int = 0
    numbers: list[str] = field(default_factory=list)


def results_file(*, plan, size: int, rng: random.Random, pass_rate: float = 0.85) -> bytes:
    lines = ["姓名,身份证号,职业编码,等级,理论知识成绩,操作技能成绩,综合评审成绩,认定结果"]
    for _ in range(size):
        passed = rng.random() < pass_rate
        theory = rng.randint(60, 98) if passed else rng.randint(30, 59)
        practical = rng.randint(60, 99) if passed else rng.randint(40, 95)
        result = "合格" if passed else "不合格"
        lines.append(
            f"{person_name(rng)},{resident_id(rng)},{plan.occupation.code},{plan.level},{theory},{practical},,{result}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def register_batch(*, filing: Filing, user: User, reviewer: User, size: int, rng: random.Random):
    """Plan an assessment today, report its results, submit and have the reviewer approve them."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    scope = rng.choice([row for row in filing.scope.select_related("occupation") if not row.suspended])
    level = rng.choice(scope.levels)
    application = filing.application
    examiners = list(application.roster.filter(role=RosterMember.Role.EXAMINER, occupation=scope.occupation))
    plan = plans_services.assessment_plan_create(
        actor=user,
        scope=scope,
        level=level,
        assessment_date=timezone.localdate(),
        venue=application.venues.first(),
        expected_candidates=size,
        examiners=examiners,
        internal_supervisor=application.roster.filter(role=RosterMember.Role.SUPERVISOR).first(),
    )
    batch = services.result_batch_create(plan=plan, actor=user)
    upload = SimpleUploadedFile("results.csv", results_file(plan=plan, size=size, rng=rng), content_type="text/csv")
    # Run the import job here and now, whatever BACKGROUND_JOBS says.
    with override_settings(BACKGROUND_JOBS="inline"):
        job = services.result_import_start(batch=batch, actor=user, uploaded=upload)
    job.refresh_from_db()
    if job.status != job.Status.DONE:
        raise RuntimeError(f"demo import failed: {list(job.problems.values_list('line', 'code'))[:5]}")
    services.result_batch_submit(batch=batch, actor=user)
    return services.result_batch_approve(batch=batch, actor=reviewer)


def simulate_certificates(
    *, bodies: int, batches: int, size: int, seed: int | None, progress=None
) -> CertificateOutcome:
    """File the demo bodies (and `bodies` more), then register `batches` result batches among them."""
    # Seeded by the number of organisations too, so that running the command again adds new bodies
    # instead of colliding with the credit codes of the last run.
    rng = random.Random(None if seed is None else f"{seed}:{Organisation.objects.count()}")
    filings = file_demo_bodies()
    occupations = list(Occupation.objects.filter(active=True))
    for index in range(bodies):
        user, organisation = new_applicant(rng, 9000 + index)
        occupation = rng.choice(occupations)
        levels = sorted(rng.sample(occupation.levels, k=min(len(occupation.levels), rng.randint(1, 3))), reverse=True)
        filings.append(
            file_body(
                user=user, organisation=organisation, scope=[(occupation.code, occupation.trade, levels)], rng=rng
            )
        )
    reviewer = Group.objects.get(name=roles.SUPERVISOR).user_set.filter(is_active=True).order_by("pk").first()
    outcome = CertificateOutcome()
    for index in range(batches):
        filing = filings[index % len(filings)]
        user = filing.organisation.members.filter(groups__name=roles.APPLICANT).order_by("pk").first()
        batch = register_batch(filing=filing, user=user, reviewer=reviewer, size=size, rng=rng)
        outcome.batches += 1
        outcome.certificates += batch.certificates.count()
        if progress:
            progress(index + 1, batches, outcome)
    return outcome
