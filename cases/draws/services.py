"""Drawing inspection teams and expert panels, and the drawn people's confirmations and declines."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from audits.services import audit_record
from cases.draws import engine as draws
from cases.models import (
    ApplicationState,
    DeclaredRelation,
    Draw,
    DrawSeat,
    ExpertPanel,
    ExpertScore,
    SiteInspection,
)
from workflow import roles
from workflow.models import WorkItem
from workflow.notifications import notify_seat_declined, notify_seat_drawn
from workflow.sla import chiefs
from workflow.tasks import OPEN, task_reassign
from workflow.todo import work_item_seat


def draw_make(
    *,
    kind: str,
    application,
    target,
    seat_roles: list[str],
    actor,
    reason: str = Draw.Reason.INITIAL,
    replaces: DrawSeat | None = None,
    seed: str | None = None,
    pool_users=None,
) -> Draw:
    """Draw len(seat_roles) people for `target` (a SiteInspection or ExpertPanel of a filing application, or a
    SupervisionCase drawn in a campaign: then `application` is that case too) and seat them.

    The drawn people of a filing confirm their seats (declaring no conflict of interest); a supervision team is
    assigned by the campaign, its seats confirmed at once. Raises DrawImpossible, naming the constraint that emptied
    the pool, when too few are eligible. Runs inside the caller's transaction.
    """
    supervision = draws.is_supervision(application)
    evaluation = draws.evaluate_pool(kind=kind, application=application, target=target, pool_users=pool_users)
    wanted = len(seat_roles)
    if len(evaluation.eligible) < wanted:
        raise draws.DrawImpossible(evaluation.shortage_message(wanted))
    seed = seed or draws.new_seed()
    selected = draws.select(seed, evaluation.eligible, wanted)
    excluded = evaluation.excluded_rows()
    draw = Draw.objects.create(
        kind=kind,
        reason=reason,
        application=None if supervision else application,
        supervision_case=application if supervision else None,
        organisation_id=draws.organisation_of(application).pk,
        inspection=target if kind == Draw.Kind.TEAM and not supervision else None,
        panel=target if kind == Draw.Kind.PANEL else None,
        replaces=replaces,
        seats_wanted=wanted,
        seed=seed,
        algorithm=draws.ALGORITHM,
        criteria=evaluation.criteria,
        pool=evaluation.pool,
        eligible=evaluation.eligible,
        excluded=excluded,
        selected=selected,
        digest=draws.digest(
            kind=kind,
            seed=seed,
            seats_wanted=wanted,
            criteria=evaluation.criteria,
            pool=evaluation.pool,
            eligible=evaluation.eligible,
            excluded=excluded,
            selected=selected,
        ),
        drawn_by=actor if reason != Draw.Reason.DECLINED else None,
    )
    status = DrawSeat.Status.CONFIRMED if supervision else DrawSeat.Status.PENDING
    seats = DrawSeat.objects.bulk_create(
        DrawSeat(draw=draw, user_id=user_id, role=role, position=n, status=status)
        for n, (user_id, role) in enumerate(zip(selected, seat_roles, strict=True), start=1)
    )
    if not supervision:
        for seat in DrawSeat.objects.filter(pk__in=[seat.pk for seat in seats]).select_related("user", "draw"):
            item = work_item_seat(seat)
            notify_seat_drawn(seat=seat, url=item.url)
    audit_record(
        actor=actor,
        action=f"{draws.KIND_PREFIX[kind]}.{'drawn' if reason == Draw.Reason.INITIAL else 'redrawn'}",
        obj=application,
        data={
            "draw": draw.pk,
            "seed": seed,
            "digest": draw.digest,
            "selected": selected,
            "eligible": len(evaluation.eligible),
            "excluded": len(excluded),
            "replaces": replaces.user_id if replaces else None,
        },
    )
    return draw


def team_roles(size: int) -> list[str]:
    return [DrawSeat.Role.LEADER] + [DrawSeat.Role.MEMBER] * (size - 1)


def team_sync(inspection: SiteInspection) -> None:
    """Make the inspection's leader and members the people holding its active seats."""
    seats = list(
        DrawSeat.objects.filter(draw__inspection=inspection, status__in=DrawSeat.ACTIVE).select_related("user")
    )
    leader = next((seat.user for seat in seats if seat.role == DrawSeat.Role.LEADER), None)
    if inspection.leader_id != (leader.pk if leader else None):
        inspection.leader = leader
        inspection.save(update_fields=["leader"])
    inspection.members.set([seat.user for seat in seats])


def panel_sync(panel) -> None:
    """One score sheet per active panel seat; sheets of people who left (never submitted) go."""
    active = set(
        DrawSeat.objects.filter(draw__panel=panel, status__in=DrawSeat.ACTIVE).values_list("user_id", flat=True)
    )
    panel.scores.filter(submitted_at__isnull=True).exclude(expert_id__in=active).delete()
    have = set(panel.scores.values_list("expert_id", flat=True))
    ExpertScore.objects.bulk_create(ExpertScore(panel=panel, expert_id=user_id) for user_id in sorted(active - have))


# The drawn person's answer


def _locked_seat(seat) -> DrawSeat:
    """The seat, locked after its team or panel: changes to one team or panel happen one at a time, so two
    declines at once cannot draw the same replacement."""
    draw = Draw.objects.only("inspection_id", "panel_id").get(seats=seat)
    if draw.inspection_id:
        SiteInspection.objects.select_for_update().values_list("pk", flat=True).get(pk=draw.inspection_id)
    else:
        ExpertPanel.objects.select_for_update().values_list("pk", flat=True).get(pk=draw.panel_id)
    return (
        DrawSeat.objects.select_for_update(of=("self",))
        .select_related("draw__application__organisation")
        .get(pk=seat.pk)
    )


def seat_target_open(seat: DrawSeat) -> bool:
    """Whether the team or panel of this seat is still at work (answers and replacements make sense)."""
    draw, application = seat.draw, seat.draw.application
    if draw.supervision_case_id:
        return False  # a campaign assigns the team: its seats are not answered, the supervisor changes them
    if draw.kind == Draw.Kind.TEAM:
        inspection = draw.inspection
        return (
            application.state == ApplicationState.INSPECTING
            and not inspection.is_signed
            and application.inspections.values_list("pk", flat=True).first() == inspection.pk
        )
    if application.state != ApplicationState.ASSESSING:
        return False
    if application.panels.values_list("pk", flat=True).first() != draw.panel_id:
        return False
    return not draw.panel.scores.filter(expert_id=seat.user_id, submitted_at__isnull=False).exists()


def _check_answerable(seat: DrawSeat, actor) -> None:
    if seat.user_id != actor.pk:
        raise PermissionDenied(_("Only the person drawn can answer for this seat."))
    if seat.draw.supervision_case_id:
        raise ValidationError(_("A campaign's inspection team is assigned; ask the supervisor to change it."))
    if not seat_target_open(seat):
        raise ValidationError(_("This team or panel has finished its work; the seat can no longer change."))


@transaction.atomic
def seat_confirm(*, seat, actor, statement: str) -> DrawSeat:
    """The drawn person takes the seat, declaring no conflict of interest."""
    seat = _locked_seat(seat)
    _check_answerable(seat, actor)
    if seat.status != DrawSeat.Status.PENDING:
        raise ValidationError(_("You have already answered for this seat."))
    if not statement.strip():
        raise ValidationError(_("Confirm the declaration of no conflict of interest."))
    seat.status, seat.responded_at, seat.statement = DrawSeat.Status.CONFIRMED, timezone.now(), statement.strip()
    seat.save(update_fields=["status", "responded_at", "statement"])
    work_item_seat(seat, actor=actor)
    audit_record(
        actor=actor,
        action=f"{draws.KIND_PREFIX[seat.draw.kind]}.seat_confirmed",
        obj=seat.draw.application,
        data={"draw": seat.draw_id, "seat": seat.pk, "role": seat.role},
    )
    return seat


@transaction.atomic
def seat_decline(*, seat, actor, reason: str, conflict: str = "") -> DrawSeat:
    """The drawn person declines (a declared conflict is kept for later draws); a replacement is drawn."""
    seat = _locked_seat(seat)
    _check_answerable(seat, actor)
    if not seat.is_active:
        raise ValidationError(_("You have already declined this seat."))
    if not reason.strip():
        raise ValidationError(_("Say why you decline."))
    if conflict and conflict not in DeclaredRelation.Kind.values:
        raise ValidationError(_("Unknown kind of conflict."))
    seat.status, seat.responded_at = DrawSeat.Status.DECLINED, timezone.now()
    seat.statement, seat.conflict = reason.strip(), conflict
    seat.save(update_fields=["status", "responded_at", "statement", "conflict"])
    work_item_seat(seat, actor=actor)
    application = seat.draw.application
    if conflict:
        DeclaredRelation.objects.get_or_create(
            user=actor,
            organisation=application.organisation,
            kind=conflict,
            defaults={"note": reason.strip(), "recorded_by": actor},
        )
    audit_record(
        actor=actor,
        action=f"{draws.KIND_PREFIX[seat.draw.kind]}.seat_declined",
        obj=application,
        data={"draw": seat.draw_id, "seat": seat.pk, "role": seat.role, "conflict": conflict},
    )
    replacement = _replace(seat, actor=actor, reason=Draw.Reason.DECLINED, raise_errors=False)
    newcomer = replacement.seats.select_related("user").get().user if replacement else None
    notify_seat_declined(seat=seat, replacement=newcomer, recipients=chiefs(), url=_draw_url(seat.draw))
    return seat


def _draw_url(draw: Draw) -> str:
    return reverse("draws:detail", args=[draw.pk])


def _check_chief(actor) -> None:
    if not (roles.has_role(actor, roles.CHIEF) or actor.is_superuser):
        raise PermissionDenied(_("Only the section chief can change a drawn team or panel."))


@transaction.atomic
def seat_release(*, seat, actor, reason: str) -> DrawSeat:
    """The chief releases a drawn person who has not answered; a replacement is drawn."""
    _check_chief(actor)
    seat = _locked_seat(seat)
    if seat.status != DrawSeat.Status.PENDING:
        raise ValidationError(_("Only a seat still awaiting confirmation can be released."))
    if not seat_target_open(seat):
        raise ValidationError(_("This team or panel has finished its work; the seat can no longer change."))
    if not reason.strip():
        raise ValidationError(_("Say why the seat is released."))
    seat.status, seat.responded_at, seat.statement = DrawSeat.Status.RELEASED, timezone.now(), reason.strip()
    seat.save(update_fields=["status", "responded_at", "statement"])
    work_item_seat(seat, actor=actor)
    audit_record(
        actor=actor,
        action=f"{draws.KIND_PREFIX[seat.draw.kind]}.seat_released",
        obj=seat.draw.application,
        data={"draw": seat.draw_id, "seat": seat.pk, "user": seat.user_id},
    )
    _replace(seat, actor=actor, reason=Draw.Reason.RELEASED, raise_errors=False)
    return seat


@transaction.atomic
def seat_redraw(*, seat, actor) -> Draw:
    """The chief retries the replacement of a vacant seat (after the pool has been extended, say)."""
    _check_chief(actor)
    seat = _locked_seat(seat)
    if seat.is_active or not seat.is_vacant:
        raise ValidationError(_("This seat is not vacant."))
    if not seat_target_open(seat):
        raise ValidationError(_("This team or panel has finished its work; the seat can no longer change."))
    return _replace(seat, actor=actor, reason=Draw.Reason.RELEASED, raise_errors=True)


def _replace(seat: DrawSeat, *, actor, reason: str, raise_errors: bool) -> Draw | None:
    draw, application = seat.draw, seat.draw.application
    target = draw.target
    try:
        with transaction.atomic():
            replacement = draw_make(
                kind=draw.kind,
                application=application,
                target=target,
                seat_roles=[seat.role],
                actor=actor,
                reason=reason,
                replaces=seat,
            )
    except draws.DrawImpossible as error:
        if raise_errors:
            raise
        seat.redraw_error = " ".join(error.messages)
        seat.save(update_fields=["redraw_error"])
        audit_record(
            actor=actor,
            action=f"{draws.KIND_PREFIX[draw.kind]}.redraw_failed",
            obj=application,
            data={"seat": seat.pk, "message": seat.redraw_error},
        )
        _sync(draw)
        return None
    if seat.redraw_error:
        seat.redraw_error = ""
        seat.save(update_fields=["redraw_error"])
    _sync(draw)
    newcomer = replacement.seats.get()
    _hand_over_task(application, draw.kind, seat, newcomer, actor)
    return replacement


def _sync(draw: Draw) -> None:
    if draw.kind == Draw.Kind.TEAM:
        team_sync(draw.inspection)
    else:
        panel_sync(draw.panel)


def _hand_over_task(application, kind: str, old: DrawSeat, new: DrawSeat, actor) -> None:
    """The leader's inspection task or the expert's scoring task follows the seat to its new holder."""
    from workflow.flows.filing import FilingFlow

    if kind == Draw.Kind.TEAM and old.role != DrawSeat.Role.LEADER:
        return
    step = FilingFlow.site_inspection if kind == Draw.Kind.TEAM else FilingFlow.score
    tasks = Task.objects.filter(process_id=application.process_id, flow_task=step, status__in=OPEN)
    for task in tasks:
        if kind == Draw.Kind.PANEL and (task.data or {}).get("expert") != old.user_id:
            continue
        if kind == Draw.Kind.TEAM and task.owner_id not in (old.user_id, None):
            continue
        task = task_reassign(task_id=task.pk, actor=actor, to_user=new.user, follows_seat=True)
        if kind == Draw.Kind.PANEL:
            task.data = {**(task.data or {}), "expert": new.user_id}
            task.save(update_fields=["data"])


def seats_close_unanswered(target) -> int:
    """The team or panel has finished: seats nobody answered leave the drawn people's to-do lists."""
    pending = DrawSeat.objects.filter(draw__in=draws.target_draws(target), status=DrawSeat.Status.PENDING)
    keys = [f"seat:{pk}" for pk in pending.values_list("pk", flat=True)]
    return WorkItem.objects.filter(key__in=keys, is_open=True).update(is_open=False, finished_at=timezone.now())


def active_seat(*, target, user) -> DrawSeat | None:
    """The user's active seat on this team or panel, if any."""
    return (
        DrawSeat.objects.filter(draw__in=draws.target_draws(target), user=user, status__in=DrawSeat.ACTIVE)
        .select_related("draw")
        .first()
    )


def has_draws(target) -> bool:
    """Teams and panels formed before draws existed have no seats; their members count as confirmed."""
    return draws.target_draws(target).exists()
