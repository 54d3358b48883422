"""The registry's status changes (备案状态变更): suspension of the whole body or of single occupations,
reinstatement, revocation with its two-year re-filing ban, expiry and withdrawal.

Every change locks the filing, runs the fsm transition, writes one row of status history with its
reason and one audit event, all in one transaction.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.common.locking import locked
from cases.models import Filing, FilingScope, FilingStatusChange

REFILING_BAN_YEARS = 2
S = Filing.Status
E = FilingStatusChange.Event


def _since(filing: Filing) -> str:
    day = filing.status_changed_on or filing.valid_until
    return day.isoformat() if day else ""


def closed_filing_message(filing: Filing) -> str:
    """Why nothing more can be done to a revoked, expired or withdrawn filing, with the date."""
    params = {"number": filing.number, "date": _since(filing)}
    if filing.status == S.REVOKED:
        return _("The filing %(number)s was already revoked on %(date)s; no further measure can be taken.") % params
    if filing.status == S.EXPIRED:
        return _("The filing %(number)s expired on %(date)s; no further measure can be taken.") % params
    return _("The filing %(number)s was withdrawn on %(date)s; no further measure can be taken.") % params


REGISTRY_PERMISSION = "cases.change_filing"


def _require_permission(actor) -> None:
    """Changes come from the supervisor (or from the system, actor None, for expiry)."""
    if actor is not None and not actor.has_perm(REGISTRY_PERMISSION):
        raise PermissionDenied(_("Your role may not change the registry."))


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for this change; it is published in the status history."))
    return reason


def _change(filing: Filing, *, method: str, event: str, actor, reason: str, case, today: date, **fields) -> Filing:
    """Run one transition on a locked filing and record it (history row + audit event)."""
    source = filing.status
    getattr(filing, method)()
    filing.status_changed_on = today
    for name, value in fields.items():
        setattr(filing, name, value)
    filing.save(update_fields=["status", "status_changed_on", *fields])
    FilingStatusChange.objects.create(
        filing=filing,
        event=event,
        from_status=source,
        to_status=filing.status,
        reason=reason,
        effective_on=today,
        supervision_case=case,
        decided_by=actor,
    )
    audit_record(
        actor=actor,
        action=f"filing.{method}",
        obj=filing,
        from_state=source,
        to_state=filing.status,
        public=True,
        data={"reason": reason, "case": case.number if case else "", **{k: str(v) for k, v in fields.items()}},
    )
    return filing


def _require_open(filing: Filing) -> None:
    if filing.status not in Filing.OPEN_STATUSES:
        raise ValidationError(closed_filing_message(filing))


@transaction.atomic
def filing_suspend(*, filing: Filing, actor, reason: str, case=None, today: date | None = None) -> Filing:
    """Suspend the whole body: it may not certify in any occupation until reinstated."""
    _require_permission(actor)
    reason = _require_reason(reason)
    filing = locked(filing)
    _require_open(filing)
    if filing.status == S.SUSPENDED:
        raise ValidationError(
            _("The body %(number)s is already suspended (since %(date)s).")
            % {"number": filing.number, "date": _since(filing)}
        )
    return _change(
        filing,
        method="suspend",
        event=E.SUSPENDED,
        actor=actor,
        reason=reason,
        case=case,
        today=today or timezone.localdate(),
    )


@transaction.atomic
def filing_reinstate(*, filing: Filing, actor, reason: str, today: date | None = None) -> Filing:
    """Lift the suspension of a whole body."""
    _require_permission(actor)
    reason = _require_reason(reason)
    filing = locked(filing)
    _require_open(filing)
    if filing.status != S.SUSPENDED:
        raise ValidationError(_("The body %(number)s is not suspended.") % {"number": filing.number})
    return _change(
        filing,
        method="reinstate",
        event=E.REINSTATED,
        actor=actor,
        reason=reason,
        case=None,
        today=today or timezone.localdate(),
    )


@transaction.atomic
def filing_revoke(*, filing: Filing, actor, reason: str, case=None, today: date | None = None) -> Filing:
    """Revoke the filing; the organisation may not file again for two years."""
    _require_permission(actor)
    reason = _require_reason(reason)
    filing = locked(filing)
    _require_open(filing)
    today = today or timezone.localdate()
    return _change(
        filing,
        method="revoke",
        event=E.REVOKED,
        actor=actor,
        reason=reason,
        case=case,
        today=today,
        banned_until=today + relativedelta(years=REFILING_BAN_YEARS),
    )


@transaction.atomic
def filing_withdraw(*, filing: Filing, actor, reason: str, today: date | None = None) -> Filing:
    """Record that the body gave up its filing (注销) at its own request."""
    _require_permission(actor)
    reason = _require_reason(reason)
    filing = locked(filing)
    _require_open(filing)
    return _change(
        filing,
        method="withdraw",
        event=E.WITHDRAWN,
        actor=actor,
        reason=reason,
        case=None,
        today=today or timezone.localdate(),
    )


@transaction.atomic
def filing_expire(*, filing: Filing, actor=None, today: date | None = None) -> Filing:
    """Record the end of the validity period (run by the periodic sweep)."""
    _require_permission(actor)
    today = today or timezone.localdate()
    filing = locked(filing)
    _require_open(filing)
    if filing.valid_until >= today:
        raise ValidationError(
            _("The filing %(number)s is valid until %(date)s.")
            % {"number": filing.number, "date": filing.valid_until.isoformat()}
        )
    reason = _("The validity period ended on %(date)s.") % {"date": filing.valid_until.isoformat()}
    return _change(filing, method="expire", event=E.EXPIRED, actor=actor, reason=reason, case=None, today=today)


@transaction.atomic
def filing_scope_suspend(
    *, filing: Filing, scopes, actor, reason: str, case=None, today: date | None = None
) -> list[FilingScope]:
    """Suspend single occupations of a body; the rest of its scope stays certifiable."""
    _require_permission(actor)
    reason = _require_reason(reason)
    filing = locked(filing)
    _require_open(filing)
    today = today or timezone.localdate()
    ids = [scope.pk for scope in scopes]
    if not ids:
        raise ValidationError(_("Choose at least one occupation to suspend."))
    rows = list(FilingScope.objects.select_for_update().filter(filing=filing, pk__in=ids).select_related("occupation"))
    if len(rows) != len(set(ids)):
        raise ValidationError(_("An occupation chosen is not in the scope of %(number)s.") % {"number": filing.number})
    for row in rows:
        if row.suspended:
            raise ValidationError(
                _("%(occupation)s is already suspended for %(number)s (since %(date)s).")
                % {"occupation": row.occupation, "number": filing.number, "date": row.suspended_on or ""}
            )
    for row in rows:
        row.suspended, row.suspended_on = True, today
        row.save(update_fields=["suspended", "suspended_on"])
        FilingStatusChange.objects.create(
            filing=filing,
            scope=row,
            event=E.SCOPE_SUSPENDED,
            from_status=filing.status,
            to_status=filing.status,
            reason=reason,
            effective_on=today,
            supervision_case=case,
            decided_by=actor,
        )
    audit_record(
        actor=actor,
        action="filing.scope_suspended",
        obj=filing,
        public=True,
        data={
            "reason": reason,
            "case": case.number if case else "",
            "occupations": [str(row.occupation) for row in rows],
        },
    )
    return rows


@transaction.atomic
def filing_scope_reinstate(*, scope: FilingScope, actor, reason: str, today: date | None = None) -> FilingScope:
    """Lift the suspension of one occupation."""
    _require_permission(actor)
    reason = _require_reason(reason)
    filing = locked(scope.filing)
    _require_open(filing)
    row = FilingScope.objects.select_for_update().select_related("occupation").get(pk=scope.pk, filing=filing)
    if not row.suspended:
        raise ValidationError(_("%(occupation)s is not suspended.") % {"occupation": row.occupation})
    today = today or timezone.localdate()
    row.suspended, row.suspended_on = False, None
    row.save(update_fields=["suspended", "suspended_on"])
    FilingStatusChange.objects.create(
        filing=filing,
        scope=row,
        event=E.SCOPE_REINSTATED,
        from_status=filing.status,
        to_status=filing.status,
        reason=reason,
        effective_on=today,
        decided_by=actor,
    )
    audit_record(
        actor=actor,
        action="filing.scope_reinstated",
        obj=filing,
        public=True,
        data={"reason": reason, "occupation": str(row.occupation)},
    )
    return row


@transaction.atomic
def filing_assessment_held(*, filing: Filing, held_on: date) -> None:
    """Note that the body held an assessment on `held_on` (for the inactivity check).

    Called by whatever records assessments (certificate batches, annual reports); never moves back.
    """
    Filing.objects.filter(pk=filing.pk).exclude(last_assessment_on__gte=held_on).update(last_assessment_on=held_on)
