"""Supervision of filed bodies (监督管理): random campaigns and their replayable draw, complaints, the
steps of a supervision case (inspection, findings, rectification, verification, sanction), annual
reports and the periodic sweep that opens cases for late reports, anomalies and inactivity.

Services follow STYLE.md: keyword-only arguments with an actor, one transaction, locks on what they
change, the fsm transition and the audit event in that same transaction.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audits.services import audit_record
from cases.common.uploads import check_upload
from cases.documents.rendering import document_create
from cases.draws.engine import new_seed, select
from cases.models import (
    AnnualReport,
    AnnualReportLine,
    Complaint,
    DeclaredRelation,
    EvaluationMethod,
    Filing,
    FilingScope,
    InspectorProfile,
    NumberSequence,
    Organisation,
    RectificationEvidence,
    RectificationItem,
    RectificationOrder,
    Sanction,
    ScopeItem,
    SkillLevel,
    SupervisionCampaign,
    SupervisionCase,
)
from cases.models import CaseState as C
from cases.models.documents import GeneratedDocument
from cases.registry import services as registry
from cases.registry.selectors import campaign_population
from workflow import roles
from workflow.calendar import add_working_days
from workflow.flows.supervision import SupervisionFlow
from workflow.notifications import notify_rectification_ordered
from workflow.services import open_task_for
from workflow.tasks import task_complete

Trigger = SupervisionCase.Trigger
Order = RectificationOrder.Status
Measure = Sanction.Measure

CASE_NUMBER_PATTERN = "京技监{year}{seq:05d}"
CAMPAIGN_NUMBER_PATTERN = "京技抽{year}{seq:03d}"
MAX_RECTIFICATION_DAYS = 60
DEFAULT_RECTIFICATION_DAYS = 15
MAX_EVIDENCE_FILES = 10
INACTIVITY_MONTHS = 12
# Annual reports for year Y are due by this month and day of year Y + 1.
DEFAULT_ANNUAL_REPORT_DUE = (3, 31)


def _next_number(name: str, setting: str, default: str) -> str:
    """Next number of a yearly, gap-free sequence (same row-lock scheme as cases.common.numbering)."""
    year = timezone.localdate().year
    with transaction.atomic():
        try:
            with transaction.atomic():
                NumberSequence.objects.get_or_create(name=name, year=year)
        except IntegrityError:  # created concurrently; the row now exists
            pass
        sequence = NumberSequence.objects.select_for_update().get(name=name, year=year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return getattr(settings, setting, default).format(year=year, seq=sequence.last)


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _is_member(organisation, user) -> bool:
    return organisation.members.filter(pk=user.pk).exists()


def _transition(case: SupervisionCase, actor, method: str, *, public: bool = True, data=None) -> None:
    """Run one fsm transition on a locked case, save it and record it in the audit trail."""
    source = case.state
    getattr(case, method)()
    case.save()
    audit_record(
        actor=actor,
        action=f"supervision.{method}",
        obj=case,
        from_state=source,
        to_state=case.state,
        public=public,
        data=data or {},
    )


SUPERVISE_PERMISSION = "cases.supervise_filings"


def _require_supervisor(actor) -> None:
    """Opening cases and running campaigns is the supervisor's (actor None: the periodic sweep)."""
    if actor is not None and not actor.has_perm(SUPERVISE_PERMISSION):
        raise PermissionDenied(_("Only a supervisor may do this."))


def _locked_case(case: SupervisionCase) -> SupervisionCase:
    return SupervisionCase.objects.select_for_update().select_related("filing__organisation").get(pk=case.pk)


# Opening cases


@transaction.atomic
def case_open(
    *,
    filing: Filing,
    trigger: str,
    summary: str,
    actor,
    campaign: SupervisionCampaign | None = None,
    annual_report: AnnualReport | None = None,
    trigger_key: str = "",
    team: list | None = None,
) -> SupervisionCase:
    """Open a supervision case about a filed body and start its flow (first task: plan the inspection)."""
    _require_supervisor(actor)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError(_("Say why the case is opened."))
    filing = Filing.objects.select_for_update().select_related("organisation").get(pk=filing.pk)
    if filing.status not in Filing.OPEN_STATUSES:
        raise ValidationError(
            registry.closed_filing_message(filing)
            + " "
            + _("Supervision cases are opened for active or suspended bodies only.")
        )
    case = SupervisionCase.objects.create(
        number=_next_number("supervision_case", "SUPERVISION_CASE_NUMBER_PATTERN", CASE_NUMBER_PATTERN),
        filing=filing,
        trigger=trigger,
        trigger_key=trigger_key,
        campaign=campaign,
        annual_report=annual_report,
        summary=summary,
        opened_by=actor,
        leader=team[0] if team else None,
    )
    if team:
        case.inspectors.set(team)
    audit_record(
        actor=actor,
        action="supervision.opened",
        obj=case,
        to_state=case.state,
        data={"filing": filing.number, "trigger": trigger, "campaign": campaign.number if campaign else ""},
    )
    case.process = SupervisionFlow.start.run(case=case)
    case.save(update_fields=["process"])
    return case


def complaint_record(
    *,
    filing: Filing,
    actor,
    source: str,
    content: str,
    received_on: date,
    complainant: str = "",
    contact: str = "",
) -> Complaint:
    """Record a complaint about a filed body; it opens a supervision case."""
    _require_supervisor(actor)
    content = (content or "").strip()
    if not content:
        raise ValidationError(_("Record what the complaint says."))
    if source not in Complaint.Source.values:
        raise ValidationError(_("Choose where the complaint came from."))
    if received_on > timezone.localdate():
        raise ValidationError(_("The date received cannot be in the future."))
    with transaction.atomic():
        case = case_open(
            filing=filing,
            trigger=Trigger.COMPLAINT,
            summary=_("Complaint (%(source)s): %(content)s")
            % {"source": Complaint.Source(source).label, "content": content},
            actor=actor,
        )
        complaint = Complaint.objects.create(
            filing=filing,
            source=source,
            complainant=complainant.strip(),
            contact=contact.strip(),
            content=content,
            received_on=received_on,
            recorded_by=actor,
            case=case,
        )
        audit_record(actor=actor, action="complaint.recorded", obj=complaint, data={"case": case.number})
    return complaint


# Random inspection campaigns (双随机一公开)


class PoolTooSmall(Exception):
    def __init__(self, filing_id: int, eligible: int):
        super().__init__(filing_id, eligible)
        self.filing_id, self.eligible = filing_id, eligible


def draw_sample(
    *, seed: str, population: list[int], pool: list[int], exclusions: dict, size: int, per_case: int
) -> list[dict]:
    """The draw itself, a pure function of its recorded inputs: replaying it gives the same result.

    It reuses the selection of the inspection draws (cases.draws.engine.select, "sha256-rank-v1"): bodies are
    the `size` filing ids with the smallest SHA-256("<seed>:bodies:<filing id>"); each drawn body's team
    is the `per_case` inspectors of the pool, minus that body's conflicts, with the smallest
    SHA-256("<seed>:<filing id>:<user id>"), the first being the leader. Anyone holding the recorded seed,
    population, pool and exclusions can recompute it with any SHA-256 tool.
    """
    result = []
    for filing_id in select(f"{seed}:bodies", sorted(population), size):
        excluded = set(exclusions.get(str(filing_id), []))
        eligible = [user_id for user_id in sorted(pool) if user_id not in excluded]
        if len(eligible) < per_case:
            raise PoolTooSmall(filing_id, len(eligible))
        result.append({"filing": filing_id, "inspectors": select(f"{seed}:{filing_id}", eligible, per_case)})
    return result


def sample_size_of(campaign: SupervisionCampaign, population: int) -> int:
    if campaign.sample_size is not None:
        return campaign.sample_size
    return max(1, math.ceil(population * campaign.sample_ratio / 100))


@transaction.atomic
def campaign_create(
    *,
    actor,
    name: str,
    inspector_pool: Iterable,
    sample_size: int | None = None,
    sample_ratio: int | None = None,
    inspectors_per_case: int = 2,
    description: str = "",
    districts: Iterable = (),
    kinds: Iterable[str] = (),
    categories: Iterable[str] = (),
    occupations: Iterable = (),
) -> SupervisionCampaign:
    """Define a campaign: population filter, sample size or ratio, inspector pool."""
    _require_supervisor(actor)
    if (sample_size is None) == (sample_ratio is None):
        raise ValidationError(_("Give either a sample size or a sample ratio, not both."))
    if sample_size is not None and sample_size < 1:
        raise ValidationError(_("The sample size must be at least 1."))
    if sample_ratio is not None and not 1 <= sample_ratio <= 100:
        raise ValidationError(_("The sample ratio must be between 1 and 100 per cent."))
    pool = list(inspector_pool)
    not_inspectors = [user for user in pool if not roles.has_role(user, roles.INSPECTOR)]
    if not_inspectors:
        raise ValidationError(
            _("Only inspectors can be in the pool: %(names)s is not one.")
            % {"names": "、".join(_name(user) for user in not_inspectors)}
        )
    if len(pool) < inspectors_per_case:
        raise ValidationError(
            _("The inspector pool needs at least %(count)d inspectors (one team).") % {"count": inspectors_per_case}
        )
    campaign = SupervisionCampaign(
        number=_next_number("supervision_campaign", "SUPERVISION_CAMPAIGN_NUMBER_PATTERN", CAMPAIGN_NUMBER_PATTERN),
        name=name.strip(),
        description=description.strip(),
        kinds=list(kinds),
        categories=list(categories),
        sample_size=sample_size,
        sample_ratio=sample_ratio,
        inspectors_per_case=inspectors_per_case,
        created_by=actor,
    )
    campaign.full_clean(exclude=["created_by", "state"])
    campaign.save()
    campaign.districts.set(list(districts))
    campaign.occupations.set(list(occupations))
    campaign.inspector_pool.set(pool)
    audit_record(actor=actor, action="campaign.created", obj=campaign, to_state=campaign.state)
    return campaign


def _conflicts(campaign: SupervisionCampaign, pool: list[int]) -> dict[str, list[int]]:
    """Per body of the population, the pool's inspectors who may not inspect it: its members, its employees
    and anyone who declared a relation to it (the conflict rules of the inspection draws)."""
    population = campaign_population(campaign)
    org_of = dict(population.values_list("pk", "organisation_id"))
    organisations = population.values("organisation_id")
    pairs = [
        *Organisation.members.through.objects.filter(organisation_id__in=organisations, user_id__in=pool).values_list(
            "organisation_id", "user_id"
        ),
        *InspectorProfile.objects.filter(employer_id__in=organisations, user_id__in=pool).values_list(
            "employer_id", "user_id"
        ),
        *DeclaredRelation.objects.filter(organisation_id__in=organisations, user_id__in=pool).values_list(
            "organisation_id", "user_id"
        ),
    ]
    conflicted: dict[int, set[int]] = {}
    for organisation_id, user_id in pairs:
        conflicted.setdefault(organisation_id, set()).add(user_id)
    return {
        str(filing_id): sorted(conflicted[organisation_id])
        for filing_id, organisation_id in sorted(org_of.items())
        if organisation_id in conflicted
    }


def campaign_draw(*, campaign: SupervisionCampaign, actor, seed: str | None = None) -> SupervisionCampaign:
    """Draw bodies and inspectors at random with a recorded seed, and open one case per drawn body."""
    _require_supervisor(actor)
    User = get_user_model()
    with transaction.atomic():
        campaign = SupervisionCampaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state != SupervisionCampaign.State.DRAFT:
            raise ValidationError(
                _("Campaign %(number)s was already drawn on %(date)s.")
                % {"number": campaign.number, "date": timezone.localtime(campaign.drawn_at).strftime("%Y-%m-%d")}
            )
        population = sorted(campaign_population(campaign).values_list("pk", flat=True))
        if not population:
            raise ValidationError(_("No active filed body matches the campaign's filter."))
        size = sample_size_of(campaign, len(population))
        if size > len(population):
            raise ValidationError(
                _(
                    "The campaign asks for %(size)d bodies but only %(population)d active bodies match its filter. "
                    "Lower the sample size or widen the filter."
                )
                % {"size": size, "population": len(population)}
            )
        pool = sorted(
            campaign.inspector_pool.filter(is_active=True)
            .exclude(inspector_profile__active=False)
            .values_list("pk", flat=True)
        )
        if len(pool) < campaign.inspectors_per_case:
            raise ValidationError(
                _("Only %(pool)d active inspectors are in the pool; each body needs %(per_case)d.")
                % {"pool": len(pool), "per_case": campaign.inspectors_per_case}
            )
        exclusions = _conflicts(campaign, pool)
        seed = new_seed() if seed is None else str(seed)
        try:
            drawn = draw_sample(
                seed=seed,
                population=population,
                pool=pool,
                exclusions=exclusions,
                size=size,
                per_case=campaign.inspectors_per_case,
            )
        except PoolTooSmall as error:
            body = Filing.objects.select_related("organisation").get(pk=error.filing_id)
            raise ValidationError(
                _(
                    "Only %(eligible)d inspectors of the pool are free of conflicts for %(body)s; "
                    "add inspectors to the pool."
                )
                % {"eligible": error.eligible, "body": body.organisation.name}
            ) from None
        campaign.seed, campaign.population, campaign.pool = seed, population, pool
        campaign.exclusions, campaign.draw, campaign.drawn_at = exclusions, drawn, timezone.now()
        campaign.record_draw()
        campaign.save()
        audit_record(
            actor=actor,
            action="campaign.drawn",
            obj=campaign,
            from_state=SupervisionCampaign.State.DRAFT,
            to_state=campaign.state,
            public=True,
            data={"seed": str(seed), "population": len(population), "sample": size, "draw": drawn},
        )
        users = User.objects.in_bulk([user_id for entry in drawn for user_id in entry["inspectors"]])
        filings = Filing.objects.in_bulk([entry["filing"] for entry in drawn])
        for entry in drawn:
            case_open(
                filing=filings[entry["filing"]],
                trigger=Trigger.CAMPAIGN,
                trigger_key=campaign.number,
                summary=_("Drawn in the random inspection campaign %(campaign)s.") % {"campaign": campaign},
                actor=actor,
                campaign=campaign,
                team=[users[user_id] for user_id in entry["inspectors"]],
            )
    return campaign


def campaign_replay(campaign: SupervisionCampaign) -> bool:
    """Whether drawing again from the recorded seed, population and pool gives the recorded result."""
    if not campaign.seed:
        return False
    replayed = draw_sample(
        seed=campaign.seed,
        population=campaign.population,
        pool=campaign.pool,
        exclusions=campaign.exclusions,
        size=len(campaign.draw),
        per_case=campaign.inspectors_per_case,
    )
    return replayed == campaign.draw


@transaction.atomic
def campaign_close(*, campaign: SupervisionCampaign, actor, summary: str) -> SupervisionCampaign:
    """Close a campaign whose cases are all closed; its results become public."""
    _require_supervisor(actor)
    campaign = SupervisionCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state != SupervisionCampaign.State.DRAWN:
        raise ValidationError(_("Only a drawn campaign can be closed."))
    still_open = list(campaign.cases.exclude(state=C.CLOSED).values_list("number", flat=True))
    if still_open:
        raise ValidationError(
            _("%(count)d cases of this campaign are still open: %(numbers)s.")
            % {"count": len(still_open), "numbers": "、".join(still_open)}
        )
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError(_("Write a short summary of the results; it is published."))
    campaign.results_summary, campaign.closed_at = summary, timezone.now()
    campaign.close()
    campaign.save()
    audit_record(
        actor=actor,
        action="campaign.closed",
        obj=campaign,
        from_state=SupervisionCampaign.State.DRAWN,
        to_state=campaign.state,
        public=True,
    )
    return campaign


# The steps of a case (tasks of SupervisionFlow)


def _ensure_impartial(case: SupervisionCase, actor) -> None:
    if _is_member(case.filing.organisation, actor):
        raise PermissionDenied(_("You belong to the supervised organisation and may not act on this case."))


def _run_step(*, case: SupervisionCase, actor, step, work) -> SupervisionCase:
    case = SupervisionCase.objects.select_related("filing__organisation").get(pk=case.pk)  # never stale
    _ensure_impartial(case, actor)
    task = open_task_for(application=case, step=step, actor=actor)
    result = {}

    def locked_work():
        result["case"] = _locked_case(case)
        work(result["case"])

    task_complete(task_id=task.pk, actor=actor, work=locked_work)
    return result["case"]


def _close(case: SupervisionCase, actor, *, outcome: str, note: str, method: str = "close") -> None:
    case.outcome, case.closing_note = outcome, note
    case.closed_at, case.closed_by = timezone.now(), actor
    _transition(case, actor, method, data={"outcome": outcome, "note": note})


def case_plan_inspection(
    *, case: SupervisionCase, actor, inspection_date: date, leader=None, members: Iterable = ()
) -> SupervisionCase:
    """Date the inspection; the team is the campaign's draw, or chosen here (at least two)."""
    if inspection_date < timezone.localdate():
        raise ValidationError(_("The inspection date cannot be in the past."))
    drawn = case.campaign_id is not None
    if not drawn:
        if leader is None:
            raise ValidationError(_("Choose the team leader."))
        team = [leader, *[member for member in members if member != leader]]
        if len(team) < 2:
            raise ValidationError(_("An inspection team needs at least two inspectors."))
        if any(not roles.has_role(user, roles.INSPECTOR) for user in team):
            raise ValidationError(_("Only inspectors can be on an inspection team."))
        if case.filing.organisation.members.filter(pk__in=[user.pk for user in team]).exists():
            raise ValidationError(_("A member of the supervised organisation cannot inspect it."))

    def work(locked):
        locked.inspection_date = inspection_date
        if not drawn:
            locked.leader = team[0]
            locked.inspectors.set(team)
        _transition(locked, actor, "plan_inspection", public=False, data={"date": inspection_date})

    return _run_step(case=case, actor=actor, step=SupervisionFlow.plan, work=work)


def case_dismiss(*, case: SupervisionCase, actor, reason: str) -> SupervisionCase:
    """Close a case without inspection (a complaint without grounds, a duplicate)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for closing the case without inspection."))
    if case.campaign_id:
        raise ValidationError(_("A body drawn in a random campaign must be inspected; the case cannot be dismissed."))

    def work(locked):
        _close(locked, actor, outcome=SupervisionCase.Outcome.DISMISSED, note=reason, method="dismiss")

    return _run_step(case=case, actor=actor, step=SupervisionFlow.plan, work=work)


def _lines(items: Iterable[str]) -> list[str]:
    return [item.strip() for item in items if item and item.strip()]


def case_record_findings(
    *, case: SupervisionCase, actor, conclusion: str, findings: Iterable[str] = (), summary: str = ""
) -> SupervisionCase:
    """The team leader records what the inspection found."""
    findings = _lines(findings)
    if conclusion not in SupervisionCase.Conclusion.values:
        raise ValidationError(_("Choose a conclusion."))
    if conclusion == SupervisionCase.Conclusion.PROBLEMS and not findings:
        raise ValidationError(_("List each problem found, one per line."))

    def work(locked):
        locked.conclusion, locked.findings, locked.findings_summary = conclusion, findings, summary.strip()
        locked.findings_recorded_at = timezone.now()
        _transition(locked, actor, "record_findings", data={"conclusion": conclusion, "findings": findings})

    return _run_step(case=case, actor=actor, step=SupervisionFlow.inspect, work=work)


CLOSE, RECTIFY, SANCTION = "close", "rectify", "sanction"


def _check_order(items: list[str], working_days: int | None) -> None:
    if not items:
        raise ValidationError(_("List what the body must rectify, one item per line."))
    if working_days is None or not 1 <= working_days <= MAX_RECTIFICATION_DAYS:
        raise ValidationError(
            _("The rectification period must be between 1 and %(max)d working days.") % {"max": MAX_RECTIFICATION_DAYS}
        )


def _issue_order(case: SupervisionCase, actor, items: list[str], working_days: int) -> RectificationOrder:
    today = timezone.localdate()
    order = RectificationOrder.objects.create(
        case=case,
        round=case.orders.count() + 1,
        working_days=working_days,
        deadline=add_working_days(today, working_days),
        issued_by=actor,
    )
    RectificationItem.objects.bulk_create(RectificationItem(order=order, text=text) for text in items)
    _transition(
        case, actor, "order_rectification", data={"round": order.round, "deadline": order.deadline, "items": items}
    )
    rectification_notice(case=case, order=order, actor=actor)
    notify_rectification_ordered(order=order, url=_body_case_url(case))
    return order


def _body_case_url(case: SupervisionCase) -> str:
    try:
        return reverse("body:case", args=[case.pk])
    except NoReverseMatch:
        return ""


def case_decide(
    *,
    case: SupervisionCase,
    actor,
    decision: str,
    note: str = "",
    items: Iterable[str] = (),
    working_days: int | None = None,
) -> SupervisionCase:
    """On the findings: close, order rectification (items + deadline in working days), or go to sanction."""
    items, note = _lines(items), (note or "").strip()
    if decision == RECTIFY:
        _check_order(items, working_days)
    elif decision not in (CLOSE, SANCTION):
        raise ValidationError(_("Choose a decision."))

    def work(locked):
        if decision == CLOSE and locked.conclusion == SupervisionCase.Conclusion.PROBLEMS and not note:
            raise ValidationError(_("Problems were found: say why the case is closed without rectification."))
        if decision == CLOSE:
            _close(locked, actor, outcome=SupervisionCase.Outcome.NO_ACTION, note=note)
        elif decision == RECTIFY:
            _issue_order(locked, actor, items, working_days)
        else:
            _transition(locked, actor, "start_sanction", data={"note": note})

    return _run_step(case=case, actor=actor, step=SupervisionFlow.decide, work=work)


def _run_respond_handle(case: SupervisionCase) -> None:
    task = Task.objects.get(process_id=case.process_id, flow_task=SupervisionFlow.respond, status=STATUS.NEW)
    SupervisionFlow.respond.run(task)


def rectification_respond(
    *,
    order: RectificationOrder,
    actor,
    answers: dict,
    files: Iterable = (),
    comment: str = "",
    today: date | None = None,
) -> RectificationOrder:
    """The body answers each item of the order, with evidence, before the deadline."""
    today = today or timezone.localdate()
    case = SupervisionCase.objects.select_related("filing__organisation").get(pk=order.case_id)
    if not _is_member(case.filing.organisation, actor):
        raise PermissionDenied(_("Only the supervised body can answer its rectification order."))
    files = list(files)
    if not files:
        raise ValidationError(_("Attach at least one file as evidence of the rectification."))
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError(_("Attach at most %(count)d files.") % {"count": MAX_EVIDENCE_FILES})
    checked = [(upload, *check_upload(upload)) for upload in files]
    with SupervisionFlow.lock(case.process_id), transaction.atomic():
        case = _locked_case(case)
        order = RectificationOrder.objects.select_for_update().get(pk=order.pk, case=case)
        if order.status != Order.PENDING:
            raise ValidationError(
                _("This rectification order is no longer open (%(status)s).") % {"status": order.get_status_display()}
            )
        if today > order.deadline:
            raise ValidationError(
                _(
                    "The deadline for this rectification order was %(date)s; responses are no longer accepted. "
                    "Contact the supervising bureau."
                )
                % {"date": order.deadline.isoformat()}
            )
        items = list(order.items.all())
        missing = [str(index) for index, item in enumerate(items, 1) if not (answers.get(item.pk) or "").strip()]
        if missing:
            raise ValidationError(
                _("Say what was done for every item (missing: %(items)s).") % {"items": ", ".join(missing)}
            )
        for item in items:
            item.answer = answers[item.pk].strip()
        RectificationItem.objects.bulk_update(items, ["answer"])
        for upload, content_type, sha256 in checked:
            evidence = RectificationEvidence(
                order=order,
                original_name=upload.name[:200],
                content_type=content_type,
                size=upload.size,
                sha256=sha256,
                uploaded_by=actor,
            )
            evidence.file.save(f"{sha256[:16]}-{upload.name[-80:]}", upload, save=False)
            evidence.save()
        order.status, order.responded_by, order.responded_at = Order.RESPONDED, actor, timezone.now()
        order.response = (comment or "").strip()
        order.save(update_fields=["status", "responded_by", "responded_at", "response"])
        _transition(case, actor, "respond", data={"round": order.round, "evidence": [c[2] for c in checked]})
        _run_respond_handle(case)
    return order


def rectification_lapse(*, order: RectificationOrder, actor=None, today: date | None = None) -> RectificationOrder:
    """The deadline passed without an answer: the case goes to the supervisor's verification."""
    today = today or timezone.localdate()
    with SupervisionFlow.lock(order.case.process_id), transaction.atomic():
        case = _locked_case(order.case)
        order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
        if order.status != Order.PENDING:
            raise ValidationError(_("This rectification order is no longer open."))
        if today <= order.deadline:
            raise ValidationError(_("The body has until %(date)s to respond.") % {"date": order.deadline.isoformat()})
        order.status = Order.LAPSED
        order.save(update_fields=["status"])
        _transition(case, actor, "lapse", data={"round": order.round, "deadline": order.deadline})
        _run_respond_handle(case)
    return order


ACCEPT, REORDER = "accept", "reorder"


def rectification_verify(
    *,
    case: SupervisionCase,
    actor,
    decision: str,
    note: str = "",
    items: Iterable[str] = (),
    working_days: int | None = None,
) -> SupervisionCase:
    """Check the body's answer: accept it (close), order again with a new deadline, or sanction."""
    items, note = _lines(items), (note or "").strip()
    if decision == REORDER:
        _check_order(items, working_days)
    elif decision not in (ACCEPT, SANCTION):
        raise ValidationError(_("Choose a decision."))
    if decision != ACCEPT and not note:
        raise ValidationError(_("Say why the rectification is not accepted."))

    def work(locked):
        order = locked.orders.select_for_update().order_by("-round").first()
        if decision == ACCEPT and order.status == Order.LAPSED:
            raise ValidationError(
                _("The body did not respond by the deadline; order the rectification again or sanction.")
            )
        order.status = (
            Order.ACCEPTED if decision == ACCEPT else (order.status if order.status == Order.LAPSED else Order.REJECTED)
        )
        order.verified_by, order.verified_at, order.verification_note = actor, timezone.now(), note
        order.save(update_fields=["status", "verified_by", "verified_at", "verification_note"])
        if decision == ACCEPT:
            _close(locked, actor, outcome=SupervisionCase.Outcome.RECTIFIED, note=note)
        elif decision == REORDER:
            _issue_order(locked, actor, items, working_days)
        else:
            _transition(locked, actor, "start_sanction", data={"note": note})

    return _run_step(case=case, actor=actor, step=SupervisionFlow.verify, work=work)


NO_SANCTION = "none"


def case_sanction(
    *, case: SupervisionCase, actor, measure: str, reasons: str, scopes: Iterable[FilingScope] = ()
) -> SupervisionCase:
    """Decide the sanction (suspend occupations, suspend the body, or revoke with a 2-year ban) and close.

    `measure="none"` closes the case without a sanction, with the reasons (say the body was revoked
    meanwhile by another case).
    """
    reasons, scopes = (reasons or "").strip(), list(scopes)
    if not reasons:
        raise ValidationError(_("Give the reasons for the decision; they are published."))
    if measure not in (*Measure.values, NO_SANCTION):
        raise ValidationError(_("Choose a measure."))
    if measure == Measure.SUSPEND_SCOPE and not scopes:
        raise ValidationError(_("Choose at least one occupation to suspend."))
    today = timezone.localdate()

    def work(locked):
        filing = locked.filing
        if measure == NO_SANCTION:
            _close(locked, actor, outcome=SupervisionCase.Outcome.NO_ACTION, note=reasons)
            return
        if measure == Measure.SUSPEND_SCOPE:
            registry.filing_scope_suspend(
                filing=filing, scopes=scopes, actor=actor, reason=reasons, case=locked, today=today
            )
        elif measure == Measure.SUSPEND_BODY:
            registry.filing_suspend(filing=filing, actor=actor, reason=reasons, case=locked, today=today)
        else:
            filing = registry.filing_revoke(filing=filing, actor=actor, reason=reasons, case=locked, today=today)
        sanction = Sanction.objects.create(
            case=locked,
            measure=measure,
            reasons=reasons,
            effective_on=today,
            banned_until=filing.banned_until if measure == Measure.REVOKE else None,
            decided_by=actor,
        )
        sanction.scopes.set(scopes if measure == Measure.SUSPEND_SCOPE else [])
        _close(locked, actor, outcome=SupervisionCase.Outcome.SANCTIONED, note=reasons, method="sanction")
        sanction_decision(case=locked, sanction=sanction, actor=actor)

    return _run_step(case=case, actor=actor, step=SupervisionFlow.sanction, work=work)


# Documents


def _scope_rows(rows) -> list[dict]:
    return [
        {
            "occupation": row.occupation.name,
            "code": row.occupation.code,
            "trade": row.occupation.trade,
            "levels": [SkillLevel(level).label for level in sorted(row.levels)],
            "methods": [EvaluationMethod(method).label for method in row.methods],
        }
        for row in rows
    ]


def rectification_notice(*, case: SupervisionCase, order: RectificationOrder, actor) -> GeneratedDocument:
    """整改通知书: the items, the deadline and how to answer."""
    return document_create(
        kind=GeneratedDocument.Kind.RECTIFICATION_NOTICE,
        target=case,
        template_name="documents/rectification_notice.html",
        context={
            "doc_number": f"{case.number}-整改{order.round}",
            "case": case,
            "filing": case.filing,
            "organisation": case.filing.organisation,
            "order": order,
            "items": [item.text for item in order.items.all()],
            "findings": case.findings,
            "issued_on": timezone.localdate(),
        },
        actor=actor,
        title=_("Rectification notice %(round)d") % {"round": order.round},
    )


def sanction_decision(*, case: SupervisionCase, sanction: Sanction, actor) -> GeneratedDocument:
    """处理决定书: the measure, the occupations concerned, the reasons, the ban, the right of appeal."""
    return document_create(
        kind=GeneratedDocument.Kind.SANCTION_DECISION,
        target=case,
        template_name="documents/sanction_decision.html",
        context={
            "doc_number": f"{case.number}-处理",
            "case": case,
            "filing": case.filing,
            "organisation": case.filing.organisation,
            "sanction": sanction,
            "measure_label": sanction.get_measure_display(),
            "scope_rows": _scope_rows(sanction.scopes.select_related("occupation")),
            "findings": case.findings,
            "issued_on": sanction.effective_on,
        },
        actor=actor,
        title=_("Sanction decision"),
    )


# Annual reports (年度报告)


def annual_report_due(year: int) -> date:
    """The last day to submit the report for `year`."""
    month, day = getattr(settings, "ANNUAL_REPORT_DUE", DEFAULT_ANNUAL_REPORT_DUE)
    return date(year + 1, month, day)


@dataclass
class ReportLine:
    occupation_id: int
    level: int
    assessments: int
    candidates: int
    certificates: int


def _line_problems(filing: Filing, lines: list[ReportLine], scope: dict[int, FilingScope]) -> list[str]:
    problems, seen = [], set()
    for line in lines:
        row = scope.get(line.occupation_id)
        if row is None:
            problems.append(_("An occupation reported is not in the body's scope."))
            continue
        label = {
            "occupation": row.occupation,
            "level": SkillLevel(line.level).label if line.level in SkillLevel.values else line.level,
        }
        if line.level not in row.levels:
            problems.append(_("%(occupation)s is not filed at %(level)s.") % label)
        if (line.occupation_id, line.level) in seen:
            problems.append(_("%(occupation)s, %(level)s is reported twice.") % label)
        seen.add((line.occupation_id, line.level))
        if min(line.assessments, line.candidates, line.certificates) < 0:
            problems.append(_("%(occupation)s, %(level)s: numbers cannot be negative.") % label)
        if line.certificates > line.candidates:
            problems.append(_("%(occupation)s, %(level)s: more certificates than candidates.") % label)
        if line.assessments == 0 and line.candidates > 0:
            problems.append(_("%(occupation)s, %(level)s: candidates without any assessment held.") % label)
    return problems


def _anomalies(filing: Filing, year: int, examiners: int, lines: list[ReportLine], scope: dict) -> list[str]:
    """Signals for the supervisor, not errors: the report is accepted and a case may follow."""
    anomalies = []
    year_end = date(year, 12, 31)
    certificates = sum(line.certificates for line in lines)
    if certificates and not examiners:
        anomalies.append(_("Certificates were issued but no examiner is reported."))
    capacity = dict(
        ScopeItem.objects.filter(application_id=filing.application_id).values_list("occupation_id", "yearly_capacity")
    )
    per_occupation: dict[int, int] = {}
    for line in lines:
        per_occupation[line.occupation_id] = per_occupation.get(line.occupation_id, 0) + line.certificates
        row = scope[line.occupation_id]
        label = {"occupation": row.occupation, "level": SkillLevel(line.level).label}
        if line.assessments and row.suspended and row.suspended_on and row.suspended_on <= year_end:
            anomalies.append(_("Assessments reported for %(occupation)s while it was suspended.") % label)
        if line.candidates >= 30 and line.certificates == line.candidates:
            anomalies.append(
                _("%(occupation)s, %(level)s: every one of %(count)d candidates passed.")
                % {**label, "count": line.candidates}
            )
    for occupation_id, issued in per_occupation.items():
        declared = capacity.get(occupation_id)
        if declared and issued > declared:
            anomalies.append(
                _("%(occupation)s: %(issued)d certificates exceed the declared yearly capacity of %(capacity)d.")
                % {"occupation": scope[occupation_id].occupation, "issued": issued, "capacity": declared}
            )
    return anomalies


def annual_report_submit(
    *,
    filing: Filing,
    year: int,
    actor,
    examiners: int,
    lines: Iterable[ReportLine],
    internal_supervisors: int = 0,
    problems: str = "",
    today: date | None = None,
) -> AnnualReport:
    """The body submits its report for a finished year; anomalies are flagged for the supervisor."""
    today = today or timezone.localdate()
    filing = Filing.objects.select_related("organisation").get(pk=filing.pk)
    if not _is_member(filing.organisation, actor):
        raise PermissionDenied(_("Only the filed body itself can submit its annual report."))
    if year >= today.year:
        raise ValidationError(
            _("Annual reports are for a finished year: %(year)d or earlier.") % {"year": today.year - 1}
        )
    if year < filing.valid_from.year:
        raise ValidationError(
            _("%(number)s was filed in %(filed)d; there is no report to give for %(year)d.")
            % {"number": filing.number, "filed": filing.valid_from.year, "year": year}
        )
    if examiners < 0 or internal_supervisors < 0:
        raise ValidationError(_("Numbers cannot be negative."))
    lines = [line for line in lines if line.assessments or line.candidates or line.certificates]
    scope = {row.occupation_id: row for row in filing.scope.select_related("occupation")}
    errors = _line_problems(filing, lines, scope)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Filing.objects.select_for_update().get(pk=filing.pk)  # one report per year, even when submitted twice at once
        existing = AnnualReport.objects.filter(filing=filing, year=year).first()
        if existing:
            raise ValidationError(
                _("The annual report for %(year)d was already submitted on %(date)s.")
                % {"year": year, "date": timezone.localtime(existing.submitted_at).strftime("%Y-%m-%d")}
            )
        report = AnnualReport.objects.create(
            filing=filing,
            year=year,
            examiners=examiners,
            internal_supervisors=internal_supervisors,
            problems=problems.strip(),
            assessments=sum(line.assessments for line in lines),
            candidates=sum(line.candidates for line in lines),
            certificates=sum(line.certificates for line in lines),
            anomalies=_anomalies(filing, year, examiners, lines, scope),
            submitted_by=actor,
        )
        AnnualReportLine.objects.bulk_create(
            AnnualReportLine(
                report=report,
                occupation_id=line.occupation_id,
                level=line.level,
                assessments=line.assessments,
                candidates=line.candidates,
                certificates=line.certificates,
            )
            for line in lines
        )
        if report.assessments:
            # A report only says assessments were held in that year: count them as held by its end.
            registry.filing_assessment_held(filing=filing, held_on=date(year, 12, 31))
        audit_record(
            actor=actor,
            action="annual_report.submitted",
            obj=filing,
            public=True,
            data={"year": year, "report": report.pk, "anomalies": report.anomalies},
        )
    return report


# The periodic sweep (daily): expiry, lapsed orders, late reports, anomalies, inactivity


@dataclass
class SweepResult:
    expired: list[str] = field(default_factory=list)
    lapsed: list[str] = field(default_factory=list)
    late_reports: list[str] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)
    inactive: list[str] = field(default_factory=list)


def _open_once(*, filing, trigger, key, summary, result_list, annual_report=None) -> None:
    if SupervisionCase.objects.filter(filing=filing, trigger=trigger, trigger_key=key).exists():
        return
    try:
        case = case_open(
            filing=filing, trigger=trigger, trigger_key=key, summary=summary, actor=None, annual_report=annual_report
        )
    except (IntegrityError, ValidationError):  # opened by a concurrent sweep, or the body closed meanwhile
        return
    result_list.append(case.number)


def supervision_sweep(*, today: date | None = None) -> SweepResult:
    """Find what needs the supervisor's attention and open cases for it; safe to run any number of times."""
    today = today or timezone.localdate()
    result = SweepResult()
    for filing in Filing.objects.filter(status__in=Filing.OPEN_STATUSES, valid_until__lt=today):
        registry.filing_expire(filing=filing, today=today)
        result.expired.append(filing.number)
    for order in RectificationOrder.objects.filter(status=Order.PENDING, deadline__lt=today).select_related("case"):
        try:
            rectification_lapse(order=order, today=today)
        except ValidationError:
            continue
        result.lapsed.append(order.case.number)
    year = today.year - 1
    if today > annual_report_due(year):
        late = Filing.objects.filter(status__in=Filing.OPEN_STATUSES, valid_from__lte=date(year, 12, 31)).exclude(
            annual_reports__year=year
        )
        for filing in late:
            _open_once(
                filing=filing,
                trigger=Trigger.LATE_REPORT,
                key=str(year),
                summary=_("The annual report for %(year)d was due on %(date)s and has not been submitted.")
                % {"year": year, "date": annual_report_due(year).isoformat()},
                result_list=result.late_reports,
            )
    anomalous = AnnualReport.objects.exclude(anomalies=[]).filter(filing__status__in=Filing.OPEN_STATUSES)
    for report in anomalous.select_related("filing"):
        _open_once(
            filing=report.filing,
            trigger=Trigger.REPORT_ANOMALY,
            key=f"report:{report.pk}",
            summary=_("The annual report for %(year)d shows anomalies: %(anomalies)s")
            % {"year": report.year, "anomalies": " ".join(report.anomalies)},
            result_list=result.anomalies,
            annual_report=report,
        )
    cutoff = today - relativedelta(months=INACTIVITY_MONTHS)
    inactive = (
        Filing.objects.filter(status=Filing.Status.ACTIVE)
        .annotate(active_since=Coalesce(F("last_assessment_on"), F("valid_from")))
        .filter(Q(active_since__lte=cutoff))
    )
    for filing in inactive:
        _open_once(
            filing=filing,
            trigger=Trigger.INACTIVITY,
            key=f"since:{filing.active_since.isoformat()}",
            summary=_("No assessment is known to have been held since %(date)s (12 months or more).")
            % {"date": filing.active_since.isoformat()},
            result_list=result.inactive,
        )
    return result
