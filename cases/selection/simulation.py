"""A whole public selection through the services, as the role users would do it (simulate_selection).

The call's window, review and publication lie in the past (the services take the day they act on), so that a
simulation runs in seconds and the flow's timers fire at once; every step is the same service the pages call.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum.cn import ric, uscc
from viewflow.workflow.timers import fire_due_timers

from cases.applications import services as filing_services
from cases.applications.simulation import TINY_PDF, Staff
from cases.common.reference import organisation_create
from cases.models import (
    Attachment,
    District,
    EvaluationStandard,
    ExpertProfile,
    Occupation,
    Organisation,
    RosterMember,
    ScopeItem,
    SelectionRubric,
    Venue,
)
from cases.models import SelectionState as S
from cases.selection import panel as panels
from cases.selection import selectors
from cases.selection.services import applications as apply
from cases.selection.services import calls, publication, review
from workflow import roles

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ELIGIBLE, INELIGIBLE, LATE = "eligible", "ineligible", "late"


def _credit_code(rng: random.Random) -> str:
    body = "52110" + str(rng.randint(100, 119))[-3:] + "".join(rng.choice(_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _id_number(rng: random.Random) -> str:
    body = (
        "110105" + f"{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    )
    return body + ric.calc_check_digit(body + "0")


# Names, credit codes and ID numbers come from their own generator: a second run with the same seed makes
# different organisations (credit codes are unique) that take the same decisions.
_identities = random.Random()


def new_social_organisation(index: int) -> tuple[User, Organisation]:
    """A social training evaluation organisation with one applicant member."""
    rng = _identities
    user = User.objects.create_user(username=f"sim-sel-{uuid.uuid4().hex[:12]}-{index}")
    user.groups.add(Group.objects.get(name=roles.APPLICANT))
    organisation = organisation_create(
        actor=user,
        members=[user],
        name=f"模拟职业技能评价中心{index}号{rng.randint(0, 99999)}",
        credit_code=_credit_code(rng),
        kind=Organisation.Kind.SOCIAL,
        district=rng.choice(list(District.objects.all())),
        contact_name="模拟联系人",
        contact_phone="010-00000000",
    )
    return user, organisation


def fill_application(
    application,
    applicant,
    lot,
    *,
    rng: random.Random,
    established_years: int = 6,
    capacity: int | None = None,
    examiners: int | None = None,
    venues: int | None = None,
) -> None:
    """Every section the call and the filing application ask for (for the lot), and the declared facts; the
    keyword arguments set what the call's conditions look at (by default, enough to meet them)."""
    call = application.call
    if capacity is None:
        capacity = max(call.min_capacity, 100) + rng.randint(0, 400)
    if examiners is None:
        examiners = max(call.min_examiners, rng.randint(1, 4))
    apply.section_save(
        application=application,
        actor=applicant,
        child=ScopeItem(
            occupation=lot.occupation,
            levels=[lot.level],
            methods=["process"],
            standard=EvaluationStandard.NATIONAL,
            yearly_capacity=capacity,
        ),
    )
    apply.populations_update(application=application, actor=applicant, target_populations=["own_staff", "dispatched"])
    people = [(RosterMember.Role.EXAMINER, lot.occupation, "考评员证书")] * examiners
    for number, (role, occupation, qualification) in enumerate([*people, (RosterMember.Role.SUPERVISOR, None, "")]):
        apply.section_save(
            application=application,
            actor=applicant,
            child=RosterMember(
                role=role,
                name=f"模拟人员{number}",
                id_number=_id_number(_identities),
                occupation=occupation,
                qualification=qualification,
            ),
        )
    for number in range(call.min_venues if venues is None else venues):
        apply.section_save(
            application=application,
            actor=applicant,
            child=Venue(address=f"北京市模拟路{number + 1}号", area_sqm=300, workstations=30),
        )
    for kind in Attachment.REQUIRED:
        upload = SimpleUploadedFile(f"{kind}.pdf", TINY_PDF, content_type="application/pdf")
        apply.attachment_add(application=application, actor=applicant, kind=kind, uploaded=upload)
    apply.facts_declare(
        application=application,
        actor=applicant,
        established_on=timezone.localdate() - relativedelta(years=established_years),
        good_credit=True,
        clean_record=True,
        truthful=True,
    )


@dataclass
class SelectionRun:
    call: object = None
    submitted: int = 0
    refused_late: list[str] = field(default_factory=list)
    ineligible: int = 0
    selected: list = field(default_factory=list)
    not_selected: int = 0
    registered: list[str] = field(default_factory=list)
    replay_ok: bool = False
    seconds: float = 0.0


@dataclass(frozen=True)
class Timeline:
    """The days the simulated call acts on, all in the past: window, confirmation (publication start)."""

    opens: date
    closes: date
    confirmed: date

    @classmethod
    def before(cls, today: date) -> Timeline:
        return cls(
            opens=today - timedelta(days=60), closes=today - timedelta(days=50), confirmed=today - timedelta(days=40)
        )


def _say(report, message: str) -> None:
    if report is not None:
        report(message)


def run_selection(
    *,
    applicants: int,
    seed: int | None,
    continuation: str = "inspection",
    occupations: list[Occupation] | None = None,
    report=None,
) -> SelectionRun:
    """One call for two occupations (quota 2 each), `applicants` organisations applying, through to its end."""
    rng = random.Random(seed)
    started = time.monotonic()
    staff = Staff.from_groups()
    if not (staff.clerk and staff.chief and staff.approver):
        raise ValidationError("Demo users are missing; run `manage.py seed_demo` first.")
    experts = list(User.objects.filter(groups__name=roles.EXPERT, is_active=True))
    if occupations is None:
        occupations = _covered_occupations(rng, experts)
    today = timezone.localdate()
    days = Timeline.before(today)
    call = calls.call_create(
        actor=staff.chief,
        title=f"模拟遴选{rng.randint(1000, 9999)}：" + "、".join(occupation.name for occupation in occupations),
        window_opens=days.opens,
        window_closes=days.closes,
        publication_days=5,
        rubric=SelectionRubric.objects.current(),
        tie_rule="criterion",
        tie_criterion="S1",
        continuation=continuation,
    )
    for occupation in occupations:
        calls.lot_set(call=call, actor=staff.chief, occupation=occupation, level=max(occupation.levels), quota=2)
    calls.call_publish(call=call, actor=staff.chief, today=days.opens - timedelta(days=1))
    run = SelectionRun(call=call)
    _say(report, f"{call.number}: published, window {days.opens.isoformat()} to {days.closes.isoformat()}")
    lots = list(call.lots.select_related("occupation"))
    fates = {}
    for index in range(1, applicants + 1):
        fate = LATE if index == 1 and applicants >= 3 else rng.choices([ELIGIBLE, INELIGIBLE], weights=[5, 1])[0]
        user, organisation = new_social_organisation(index)
        application = apply.selection_application_create(
            call=call, organisation=organisation, actor=user, today=days.opens
        )
        fill_application(application, user, rng.choice(lots), rng=rng)
        try:
            apply.selection_submit(
                application=application,
                actor=user,
                today=days.closes + timedelta(days=1) if fate == LATE else days.opens,
            )
        except ValidationError as error:
            run.refused_late.append(error.messages[0])
            continue
        fates[application.pk] = fate
        run.submitted += 1
    _say(report, f"{run.submitted} submitted, {len(run.refused_late)} refused after the window")
    fire_due_timers()  # the window has closed: the eligibility checks are in the clerk's queue
    for application in call.applications.filter(state=S.SUBMITTED):
        if fates[application.pk] == INELIGIBLE:
            review.eligibility_decide(
                application=application, actor=staff.clerk, eligible=False, reasons="模拟：资质证明与申报不符"
            )
            run.ineligible += 1
        else:
            review.eligibility_decide(application=application, actor=staff.clerk, eligible=True)
    eligible = list(call.applications.filter(state=S.ELIGIBLE))
    if not eligible:
        _say(report, "no eligible application: the selection ends here")
        run.seconds = time.monotonic() - started
        return run
    review.panel_draw(call=call, actor=staff.chief, seed=f"{seed}-{call.number}" if seed is not None else None)
    call.refresh_from_db()
    run.replay_ok = panels.panel_replay(call.panel).ok
    criteria = list(call.rubric.criteria.all())
    for application in eligible:
        for expert in call.panel.experts.order_by("pk"):
            points = {criterion.code: rng.randint(55, 95) for criterion in criteria}
            review.score_submit(application=application, actor=expert, points=points, declared=True)
    _say(report, f"panel of {call.panel.experts.count()} drawn (seed {call.panel.seed}), {len(eligible)} scored")
    ranking = selectors.call_ranking(call)
    proposed = {row.entry.pk for lot in ranking.lots for row in lot.rows if row.proposed}
    review.list_confirm(call=call, actor=staff.chief, selected=proposed, today=days.confirmed)
    call.refresh_from_db()
    listed = call.applications.filter(entries__selected=True).first()
    objection = publication.objection_submit(
        call=call,
        raised_by="模拟异议人",
        contact="010-00000000",
        content="模拟：对拟入选单位的考评员资质有疑问",
        application_id=listed.pk if listed else None,
        today=call.publication_starts,
    )
    publication.objection_resolve(objection=objection, actor=staff.chief, resolution="模拟：经核实，异议不成立")
    fire_due_timers()  # the publication is over: the conclusion is in the chief's queue
    publication.selection_conclude(call=call, actor=staff.chief)
    for application in call.applications.select_related("filing", "organisation"):
        if application.state == S.SELECTED:
            run.selected.append(application)
        elif application.state == S.NOT_SELECTED:
            run.not_selected += 1
    if continuation == "registration":
        for application in run.selected:
            filing = filing_services.application_register(application=application.filing, actor=staff.approver)
            run.registered.append(filing.number)
    run.seconds = time.monotonic() - started
    return run


def _covered_occupations(rng: random.Random, experts) -> list[Occupation]:
    """Two occupations for the call, each covered by the expertise of at least three experts of the pool."""
    profiles = list(ExpertProfile.objects.filter(user__in=experts, active=True))
    candidates = [
        occupation
        for occupation in Occupation.objects.filter(active=True).order_by("code")
        if sum(1 for profile in profiles if profile.covers(occupation.code)) >= 3
    ]
    unique = list({occupation.code: occupation for occupation in candidates}.values())
    if len(unique) < 2:
        raise ValidationError("The expert pool covers fewer than two occupations with three experts each.")
    return rng.sample(unique, 2)
