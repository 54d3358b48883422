"""A large registry made fast with bulk_create, for volume tests, benchmarks and `seed_registry`.

Not a service: it writes rows directly (no flow, no audit trail, no documents), so it is only for
filling a test or demo database; every body it makes is marked by its filing number prefix.
"""

import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from cases.models import (
    ApplicationState,
    District,
    Filing,
    FilingApplication,
    FilingScope,
    FilingStatusChange,
    Occupation,
    Organisation,
    RosterMember,
    ScopeItem,
    Venue,
)

S = Filing.Status
# Most of a real registry is active; the rest shows every other status in the directory.
STATUS_WEIGHTS = [(S.ACTIVE, 85), (S.SUSPENDED, 4), (S.REVOKED, 5), (S.EXPIRED, 4), (S.WITHDRAWN, 2)]
EVENTS = {S.SUSPENDED: "suspended", S.REVOKED: "revoked", S.EXPIRED: "expired", S.WITHDRAWN: "withdrawn"}
_SURNAMES = "京华精工恒达远航中科宏图瑞丰博雅天成鼎新卓越长城海川金桥"
_TRADES = ["机械", "电气", "建设", "物流", "医疗", "信息", "能源", "汽车", "食品", "纺织"]


def _credit_code(run: int, index: int) -> str:
    body = f"91{run % 1000:03d}{index:012d}"
    return body + uscc.calc_check_digit(body)


@transaction.atomic
def bulk_registry(*, count: int, run: int = 0, seed: int = 0, batch_size: int = 1000) -> list[Filing]:
    """Create `count` filed bodies with 1-3 scope rows each. `run` keeps numbers unique across calls."""
    rng = random.Random(seed)
    districts = list(District.objects.all())
    occupations = list(Occupation.objects.filter(active=True))
    if not occupations:
        occupations = [
            Occupation.objects.create(code=f"6-99-0{n}-01", name=f"批量工种{n}", levels=[5, 4, 3, 2, 1])
            for n in range(1, 6)
        ]
    actor, _created = get_user_model().objects.get_or_create(username="bulk-registry")
    today = timezone.localdate()
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)

    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"北京{rng.choice(_SURNAMES)}{rng.choice(_SURNAMES)}{rng.choice(_TRADES)}有限公司{run}-{i}",
                credit_code=_credit_code(run, i),
                kind=rng.choice(Organisation.Kind.values),
                category=rng.choice(Organisation.Category.values),
                district=rng.choice(districts),
                contact_name="联系人",
                contact_phone="010-00000000",
            )
            for i in range(count)
        ],
        batch_size=batch_size,
    )
    applications = FilingApplication.objects.bulk_create(
        [
            FilingApplication(
                number=f"批量申{run:03d}{i:06d}", organisation=org, created_by=actor, state=ApplicationState.FILED
            )
            for i, org in enumerate(organisations)
        ],
        batch_size=batch_size,
    )
    filings = []
    for i, (org, application) in enumerate(zip(organisations, applications, strict=True)):
        status = rng.choices(statuses, weights)[0]
        valid_from = today - timedelta(days=rng.randint(30, 1500))
        valid_until = valid_from + timedelta(days=5 * 365 - 1)
        if status == S.EXPIRED:
            valid_from, valid_until = today - timedelta(days=5 * 365 + 30), today - timedelta(days=30)
        changed = None if status == S.ACTIVE else min(today, valid_until + timedelta(days=1))
        if status in (S.SUSPENDED, S.REVOKED, S.WITHDRAWN):
            changed = today - timedelta(days=rng.randint(1, 20))
        filings.append(
            Filing(
                number=f"京技备B{run:03d}{i:06d}",
                organisation=org,
                application=application,
                status=status,
                status_changed_on=changed,
                banned_until=changed + relativedelta(years=2) if status == S.REVOKED else None,
                valid_from=valid_from,
                valid_until=valid_until,
                registered_by=actor,
            )
        )
    filings = Filing.objects.bulk_create(filings, batch_size=batch_size)
    scope = []
    for filing in filings:
        for occupation in rng.sample(occupations, k=min(len(occupations), rng.randint(1, 3))):
            levels = sorted(rng.sample(occupation.levels, k=rng.randint(1, len(occupation.levels))))
            suspended = filing.status == S.ACTIVE and rng.random() < 0.03
            scope.append(
                FilingScope(
                    filing=filing,
                    occupation=occupation,
                    levels=levels,
                    methods=["process"],
                    suspended=suspended,
                    suspended_on=today if suspended else None,
                )
            )
    FilingScope.objects.bulk_create(scope, batch_size=batch_size)
    FilingStatusChange.objects.bulk_create(
        [
            FilingStatusChange(
                filing=f,
                event=EVENTS[f.status],
                from_status=S.ACTIVE,
                to_status=f.status,
                reason="批量生成的演示数据",
                effective_on=f.status_changed_on,
                decided_by=actor,
            )
            for f in filings
            if f.status != S.ACTIVE
        ],
        batch_size=batch_size,
    )
    return filings


DEMO_SCOPE = {"6-18-02-04": [4, 3], "6-31-01-03": [5, 4]}  # welder, electrician


@transaction.atomic
def _roster_and_venue(application, occupations, index: int) -> None:
    """What a body needs to plan assessments: a venue, an internal supervisor and an examiner per occupation."""
    from cases.certificates.demo import person_name, resident_id

    rng = random.Random(index)
    Venue.objects.create(application=application, address="北京市演示区技能路1号", area_sqm=500, workstations=40)
    people = [(RosterMember.Role.SUPERVISOR, None)] + [(RosterMember.Role.EXAMINER, o) for o in occupations]
    RosterMember.objects.bulk_create(
        RosterMember(
            application=application, role=role, name=person_name(rng), id_number=resident_id(rng), occupation=o
        )
        for role, o in people
    )


def file_demo_organisations(*, today=None) -> list[Filing]:
    """Put the demo organisations (seed_demo) in the registry directly, so their users can try the
    filed body's pages without running the filing flow first. Idempotent; skips those already filed."""
    from cases.common.demo import DEMO_ORGANISATIONS

    today = today or timezone.localdate()
    actor, _created = get_user_model().objects.get_or_create(username="bulk-registry")
    occupations = {o.code: o for o in Occupation.objects.filter(code__in=DEMO_SCOPE)}
    filed = []
    for index, spec in enumerate(DEMO_ORGANISATIONS):
        organisation = Organisation.objects.filter(credit_code=spec["credit_code"]).first()
        if organisation is None or organisation.filings.exists():
            continue
        application = FilingApplication.objects.create(
            number=f"演示申{today.year}{index:03d}", organisation=organisation, created_by=actor, state="filed"
        )
        valid_from = today - timedelta(days=400)
        filing = Filing.objects.create(
            number=f"京技备D{today.year}{index:03d}",
            organisation=organisation,
            application=application,
            valid_from=valid_from,
            valid_until=valid_from + timedelta(days=5 * 365 - 1),
            last_assessment_on=today - timedelta(days=60),
            registered_by=actor,
        )
        _roster_and_venue(application, [occupations[code] for code in DEMO_SCOPE if code in occupations], index)
        for code, levels in DEMO_SCOPE.items():
            if code in occupations:
                ScopeItem.objects.create(
                    application=application,
                    occupation=occupations[code],
                    levels=levels,
                    methods=["process"],
                    standard="national",
                    yearly_capacity=200,
                )
                FilingScope.objects.create(
                    filing=filing, occupation=occupations[code], levels=levels, methods=["process"]
                )
        filed.append(filing)
    return filed
