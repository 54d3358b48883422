"""The bureau's side of a call: drafting it, publishing it, amending it before its window opens."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.common.numbering import next_number
from cases.common.services import transition
from cases.models import CallState as C
from cases.models import SelectionAmendment, SelectionCall, SelectionLot, SkillLevel, TieRule
from cases.selection import documents

MANAGE = "cases.manage_selectioncall"
# What a draft or an amendment may set (the number, the state and the dates of the later steps are the flow's).
CALL_FIELDS = [
    "title",
    "summary",
    "window_opens",
    "window_closes",
    "publication_days",
    "min_years_established",
    "min_capacity",
    "min_examiners",
    "min_venues",
    "clean_record_years",
    "require_good_credit",
    "rubric",
    "panel_size",
    "pass_mark",
    "tie_rule",
    "tie_criterion",
    "continuation",
]


def _require_manager(actor) -> None:
    if not actor.has_perm(MANAGE):
        raise PermissionDenied(_("Only the section chief or the administrator manages selection calls."))


def _locked(call: SelectionCall) -> SelectionCall:
    return SelectionCall.objects.select_for_update().select_related("rubric").get(pk=call.pk)


def _check(call: SelectionCall) -> None:
    """The call's own rules beyond its fields' validation: a published rubric, a tie criterion it has."""
    call.full_clean(exclude=["number", "created_by", "state"])
    if not call.rubric.is_published:
        raise ValidationError({"rubric": _("Choose a published rubric version.")})
    if call.tie_rule == TieRule.CRITERION and not call.rubric.criteria.filter(code=call.tie_criterion).exists():
        raise ValidationError(
            {
                "tie_criterion": _("Rubric v%(version)d has no criterion %(code)s.")
                % {"version": call.rubric.version, "code": call.tie_criterion}
            }
        )


@transaction.atomic
def call_create(*, actor, **fields) -> SelectionCall:
    """Draft a new call; it stays with the bureau until published."""
    _require_manager(actor)
    call = SelectionCall(
        number=next_number(name="selection_call", pattern_setting="SELECTION_CALL_NUMBER_PATTERN"),
        created_by=actor,
        **{name: fields[name] for name in CALL_FIELDS if name in fields},
    )
    _check(call)
    call.save()
    audit_record(actor=actor, action="selectioncall.created", obj=call, to_state=call.state)
    return call


@transaction.atomic
def call_update(*, call, actor, **fields) -> SelectionCall:
    """Change a draft call (a published one is amended instead, see call_amend)."""
    _require_manager(actor)
    call = _locked(call)
    if call.state != C.DRAFT:
        raise ValidationError(_("A published call can only be amended, with a reason, before its window opens."))
    changed = [name for name in CALL_FIELDS if name in fields and getattr(call, name) != fields[name]]
    for name in changed:
        setattr(call, name, fields[name])
    _check(call)
    if changed:
        call.save(update_fields=changed)
    return call


def _check_lot(occupation, level: int, quota: int) -> None:
    if level not in occupation.levels:
        raise ValidationError(
            _("%(occupation)s can only be certified at: %(levels)s")
            % {"occupation": occupation, "levels": "、".join(str(label) for label in occupation.level_labels)}
        )
    if quota < 1:
        raise ValidationError(_("A lot wants at least one organisation."))


@transaction.atomic
def lot_set(*, call, actor, occupation, level: int, quota: int) -> SelectionLot:
    """Add an occupation x level with its quota to a draft call, or change the quota of one it has."""
    _require_manager(actor)
    call = _locked(call)
    if call.state != C.DRAFT:
        raise ValidationError(_("A published call can only be amended, with a reason, before its window opens."))
    _check_lot(occupation, level, quota)
    lot, _created = SelectionLot.objects.update_or_create(
        call=call, occupation=occupation, level=level, defaults={"quota": quota}
    )
    return lot


@transaction.atomic
def lot_remove(*, call, actor, lot) -> None:
    _require_manager(actor)
    call = _locked(call)
    if call.state != C.DRAFT:
        raise ValidationError(_("A published call can only be amended, with a reason, before its window opens."))
    SelectionLot.objects.filter(pk=lot.pk, call=call).delete()


def _publication_problems(call: SelectionCall, today) -> list[str]:
    problems = []
    if not call.lots.exists():
        problems.append(_("Add at least one occupation and level with its quota."))
    if call.window_opens < today:
        problems.append(
            _("The window opens on %(date)s, in the past: choose an opening date from today on.")
            % {"date": call.window_opens.isoformat()}
        )
    if not call.rubric.is_published:
        problems.append(_("Choose a published rubric version."))
    return problems


def call_publish(*, call, actor, today=None) -> SelectionCall:
    """Publish a complete draft: it is listed on /selections/ with its document (遴选公告)."""
    _require_manager(actor)
    today = today or timezone.localdate()
    with transaction.atomic():
        call = _locked(call)
        if call.state != C.DRAFT:
            raise ValidationError(_("This call has already been published."))
        problems = _publication_problems(call, today)
        if problems:
            raise ValidationError(problems)
        call.published_at, call.published_by = timezone.now(), actor
        transition(call, actor, "publish", fields=["published_at", "published_by"], public=True)
        documents.call_document(call=call, actor=actor)
    return call


LOTS = "lots"  # the name an amendment's change of the occupations, levels and quotas is recorded under


def _text(call: SelectionCall, name: str) -> str:
    """A value as the amendment records it: in Chinese, the language of the bureau's notices."""
    with translation.override("zh-hans"):
        return _value_text(call, name)


def _value_text(call: SelectionCall, name: str) -> str:
    value = getattr(call, name)
    display = getattr(call, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _lots_text(lots) -> str:
    with translation.override("zh-hans"):
        return "；".join(f"{occupation} · {SkillLevel(level).label} × {quota}" for occupation, level, quota in lots)


def call_amend(*, call, actor, reason: str, fields: dict, lots: list | None = None, today=None) -> SelectionAmendment:
    """Amend a published call before its window opens (更正): what changed is recorded and shown with the reason.

    `lots`, if given, is the whole new list of (occupation, level, quota).
    """
    _require_manager(actor)
    today = today or timezone.localdate()
    if not reason.strip():
        raise ValidationError(_("Give the reason for the amendment."))
    with transaction.atomic():
        call = _locked(call)
        if not call.amendable_on(today):
            raise ValidationError(
                _("A call can be amended only while published and before its window opens (%(date)s).")
                % {"date": call.window_opens.isoformat()}
            )
        changes, changed = [], []
        for name in CALL_FIELDS:
            if name in fields and getattr(call, name) != fields[name]:
                old = _text(call, name)
                setattr(call, name, fields[name])
                changes.append({"field": name, "old": old, "new": _text(call, name)})
                changed.append(name)
        if call.window_opens <= today:
            raise ValidationError({"window_opens": _("An amended window must still open after today.")})
        _check(call)
        if lots is not None:
            old_lots = [(lot.occupation, lot.level, lot.quota) for lot in call.lots.select_related("occupation")]
            new_lots = [(occupation, int(level), int(quota)) for occupation, level, quota in lots]
            if not new_lots:
                raise ValidationError(_("Add at least one occupation and level with its quota."))
            for occupation, level, quota in new_lots:
                _check_lot(occupation, level, quota)
            if sorted((o.pk, lv, q) for o, lv, q in old_lots) != sorted((o.pk, lv, q) for o, lv, q in new_lots):
                wanted = {(occupation.pk, level) for occupation, level, _quota in new_lots}
                gone = [lot.pk for lot in call.lots.all() if (lot.occupation_id, lot.level) not in wanted]
                SelectionLot.objects.filter(pk__in=gone).delete()
                for occupation, level, quota in new_lots:
                    SelectionLot.objects.update_or_create(
                        call=call, occupation=occupation, level=level, defaults={"quota": quota}
                    )
                changes.append(
                    {
                        "field": LOTS,
                        "old": _lots_text(old_lots),
                        "new": _lots_text(new_lots),
                    }
                )
        if not changes:
            raise ValidationError(_("The amendment changes nothing."))
        if changed:
            call.save(update_fields=changed)
        amendment = SelectionAmendment.objects.create(
            call=call,
            round=call.amendments.count() + 1,
            reason=reason.strip(),
            changes=changes,
            made_by=actor,
        )
        audit_record(
            actor=actor,
            action="selectioncall.amended",
            obj=call,
            public=True,
            data={"round": amendment.round, "reason": amendment.reason, "changes": changes},
        )
        documents.call_document(call=call, actor=actor, amendment=amendment)
    return amendment
