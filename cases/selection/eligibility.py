"""The eligibility check of a selection application: every condition of the call, met or not, by name.

The applicant sees the failed ones before submitting (as the filing application's pre-submission check
names every missing item), the clerk sees the whole table when checking eligibility. Reads only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from cases.applications.services import application_problems
from cases.models import CallState as C
from cases.models import (
    Filing,
    Organisation,
    RosterMember,
    Sanction,
    SelectionApplication,
    SelectionCall,
    SkillLevel,
)


@dataclass(frozen=True)
class Condition:
    """One condition of the call and how the application stands against it."""

    label: str
    met: bool
    detail: str  # what was found; for an unmet condition, what to fix (shown to the applicant)


def _level(level: int) -> str:
    return str(SkillLevel(level).label) if level in SkillLevel.values else str(level)


def call_lot_keys(call: SelectionCall) -> set[tuple[int, int]]:
    return {(lot.occupation_id, lot.level) for lot in call.lots.all()}


def competing_lots(application: SelectionApplication) -> list:
    """The call's lots the application's scope applies for (occupation and level both in the call)."""
    keys = {(item.occupation_id, level) for item in application.filing.scope_items.all() for level in item.levels}
    return [lot for lot in application.call.lots.select_related("occupation") if (lot.occupation_id, lot.level) in keys]


def window_problem(call: SelectionCall, today: date) -> str | None:
    """Why the call does not take applications today, or None."""
    if call.state != C.PUBLISHED:
        return _("The call %(call)s does not take applications (it is not published or its review has begun).") % {
            "call": call.number
        }
    phase = call.window_phase(today)
    if phase == "upcoming":
        return _("Applications to %(call)s open on %(date)s; they cannot be submitted before.") % {
            "call": call.number,
            "date": call.window_opens.isoformat(),
        }
    if phase == "closed":
        return _("Applications to %(call)s closed on %(date)s.") % {
            "call": call.number,
            "date": call.window_closes.isoformat(),
        }
    return None


def _record_since(organisation: Organisation, since: date) -> list[str]:
    """Sanctions and revocations of the organisation's filings on or after `since`, described."""
    found = []
    sanctions = Sanction.objects.filter(case__filing__organisation=organisation, effective_on__gte=since)
    for sanction in sanctions.order_by("effective_on"):
        found.append(
            _("%(measure)s effective %(date)s")
            % {"measure": sanction.get_measure_display(), "date": sanction.effective_on.isoformat()}
        )
    revoked = Filing.objects.filter(
        organisation=organisation, status=Filing.Status.REVOKED, status_changed_on__gte=since
    ).order_by("status_changed_on")
    for filing in revoked:
        found.append(
            _("filing %(number)s revoked on %(date)s")
            % {"number": filing.number, "date": filing.status_changed_on.isoformat()}
        )
    return found


def conditions(application: SelectionApplication, today: date) -> list[Condition]:
    """Every eligibility condition of the call, in the call's order, with what the application shows."""
    call, filing, organisation = application.call, application.filing, application.organisation
    scope = list(filing.scope_items.select_related("occupation"))
    roster = list(filing.roster.all())
    lots = call_lot_keys(call)
    call_occupations = {occupation for occupation, _level in lots}
    rows = []

    rows.append(
        Condition(
            _("Social training evaluation organisation"),
            organisation.kind == Organisation.Kind.SOCIAL,
            _("%(name)s is registered as: %(kind)s.")
            % {"name": organisation.name, "kind": organisation.get_kind_display()},
        )
    )

    outside = []
    for item in scope:
        if item.occupation_id not in call_occupations:
            outside.append(
                _("Scope %(occupation)s: the call does not include this occupation.") % {"occupation": item.occupation}
            )
            continue
        for level in item.levels:
            if (item.occupation_id, level) not in lots:
                outside.append(
                    _("Scope %(occupation)s: the call does not include %(level)s.")
                    % {"occupation": item.occupation, "level": _level(level)}
                )
    covered = any((item.occupation_id, level) in lots for item in scope for level in item.levels)
    if not covered:
        outside.insert(0, _("Scope: apply for at least one occupation and level the call wants."))
    rows.append(
        Condition(
            _("Scope within the call's occupations and levels"),
            not outside,
            " ".join(outside) or _("Every occupation and level applied for is wanted by the call."),
        )
    )

    since = today - relativedelta(years=call.min_years_established)
    if application.established_on is None:
        detail, met = _("Declared facts: give the date the organisation was established."), False
    else:
        met = application.established_on <= since
        detail = (
            _("Established on %(date)s.") % {"date": application.established_on.isoformat()}
            if met
            else _(
                "Established on %(date)s: the call requires at least %(years)d years, i.e. established on or "
                "before %(since)s."
            )
            % {"date": application.established_on.isoformat(), "years": call.min_years_established, "since": since}
        )
    rows.append(
        Condition(_("Established at least %(years)d years") % {"years": call.min_years_established}, met, detail)
    )

    in_call = [item for item in scope if item.occupation_id in call_occupations]
    short = [
        _("Scope %(occupation)s: yearly capacity %(capacity)d person-times; the call requires at least %(min)d.")
        % {"occupation": item.occupation, "capacity": item.yearly_capacity, "min": call.min_capacity}
        for item in in_call
        if item.yearly_capacity < call.min_capacity
    ]
    if call.min_capacity:  # a call without a minimum capacity does not list it as a condition
        rows.append(
            Condition(
                _("Yearly evaluation capacity of at least %(min)d person-times per occupation")
                % {"min": call.min_capacity},
                bool(in_call) and not short,
                " ".join(short)
                or (
                    "; ".join(f"{item.occupation}: {item.yearly_capacity}" for item in in_call)
                    or _("No occupation of the call in the scope.")
                ),
            )
        )

    lacking, counts = [], []
    for item in in_call:
        qualified = [
            member
            for member in roster
            if member.role == RosterMember.Role.EXAMINER
            and member.occupation_id == item.occupation_id
            and member.qualification.strip()
        ]
        counts.append(f"{item.occupation}: {len(qualified)}")
        if len(qualified) < call.min_examiners:
            lacking.append(
                _(
                    "Roster: %(count)d qualified examiners (with their qualification given) for %(occupation)s; "
                    "the call requires %(min)d."
                )
                % {"count": len(qualified), "occupation": item.occupation, "min": call.min_examiners}
            )
    rows.append(
        Condition(
            _("At least %(min)d qualified examiners per occupation") % {"min": call.min_examiners},
            bool(in_call) and not lacking,
            " ".join(lacking) or "; ".join(counts) or _("No occupation of the call in the scope."),
        )
    )

    venues = filing.venues.count()
    rows.append(
        Condition(
            _("At least %(min)d assessment venues") % {"min": call.min_venues},
            venues >= call.min_venues,
            _("Venues: %(count)d declared.") % {"count": venues}
            if venues >= call.min_venues
            else _("Venues: %(count)d declared; the call requires at least %(min)d.")
            % {"count": venues, "min": call.min_venues},
        )
    )

    if call.clean_record_years:
        record_since = today - relativedelta(years=call.clean_record_years)
        record = _record_since(organisation, record_since)
        if record:
            detail = _("Record since %(since)s: %(found)s.") % {"since": record_since, "found": "; ".join(record)}
        elif not application.clean_record:
            detail = _(
                "Declared facts: declare that there was no sanction or revocation in the last %(years)d years."
            ) % {"years": call.clean_record_years}
        else:
            detail = _("Nothing on record since %(since)s; declared by the organisation.") % {"since": record_since}
        rows.append(
            Condition(
                _("No sanction or revocation in the last %(years)d years") % {"years": call.clean_record_years},
                not record and application.clean_record,
                detail,
            )
        )

    if call.require_good_credit:
        rows.append(
            Condition(
                _("Good credit"),
                application.good_credit,
                _("Declared by the organisation.")
                if application.good_credit
                else _(
                    "Declared facts: declare that the organisation is not on any list of seriously dishonest entities."
                ),
            )
        )

    rows.append(
        Condition(
            _("Commitment that the declared facts and materials are true"),
            application.truthful,
            _("Given.")
            if application.truthful
            else _("Declared facts: commit that the declared facts and materials are true."),
        )
    )
    return rows


def selection_problems(application: SelectionApplication, today: date) -> list[str]:
    """Every problem that blocks submission, named: the window, the filing sections, each unmet condition."""
    problems = []
    window = window_problem(application.call, today)
    if window:
        problems.append(window)
    problems += application_problems(application.filing)
    problems += [condition.detail for condition in conditions(application, today) if not condition.met]
    return list(dict.fromkeys(problems))  # each named once (an empty scope fails several conditions alike)


def sections_digest(application: SelectionApplication) -> str:
    """SHA-256 of what the sections hold (scope, roster, venues, target populations, attachments by SHA-256).

    Taken at submission; the clerk and the experts are warned if the filing draft changed since.
    """
    filing = application.filing
    record = {
        "scope": sorted(
            [item.occupation_id, sorted(item.levels), sorted(item.methods), item.standard, item.yearly_capacity]
            for item in filing.scope_items.all()
        ),
        "roster": sorted(
            [member.role, member.name, member.id_number, member.occupation_id, member.qualification]
            for member in filing.roster.all()
        ),
        "venues": sorted([venue.address, venue.area_sqm, venue.workstations] for venue in filing.venues.all()),
        "populations": sorted(filing.target_populations or []),
        "attachments": sorted([item.kind, item.sha256] for item in filing.attachments.all()),
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
