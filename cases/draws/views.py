"""Pages of the draws: the drawn person's seats, the chief's releases and redraws, draw history, pools, standards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.common.views import error_message
from cases.draws import engine as draws
from cases.draws import forms as draw_forms
from cases.draws import selectors as draw_selectors
from cases.draws import services as draw_services
from cases.models import ChecklistTemplate, Draw, DrawSeat, Rubric
from workflow import roles


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# The drawn person


@login_required
def my_seats(request):
    page = Paginator(draw_selectors.seats_of(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/draws/my_seats.html",
        {
            "page": page,
            "confirm_form": draw_forms.SeatConfirmForm(),
            "decline_form": draw_forms.SeatDeclineForm(),
            "open_seats": {seat.pk for seat in page.object_list if seat.is_active and draw_selectors.open_seat(seat)},
        },
    )


def _own_seat(request, seat_pk) -> DrawSeat:
    return get_object_or_404(DrawSeat.objects.select_related("draw__application"), pk=seat_pk, user=request.user)


@login_required
@require_POST
def seat_confirm(request, seat_pk):
    seat = _own_seat(request, seat_pk)
    form = draw_forms.SeatConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the declaration of no conflict of interest to confirm."))
    else:
        try:
            draw_services.seat_confirm(seat=seat, actor=request.user, statement=form.statement())
            messages.success(request, _("Confirmed. Thank you."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_message(error))
    return redirect(_next_url(request, reverse("assignments:index")))


@login_required
@require_POST
def seat_decline(request, seat_pk):
    seat = _own_seat(request, seat_pk)
    form = draw_forms.SeatDeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you decline."))
        return redirect(_next_url(request, reverse("assignments:index")))
    try:
        seat = draw_services.seat_decline(
            seat=seat, actor=request.user, reason=form.cleaned_data["reason"], conflict=form.cleaned_data["conflict"]
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_message(error))
        return redirect(_next_url(request, reverse("assignments:index")))
    if seat.redraw_error:
        messages.warning(request, _("Declined. No replacement could be drawn yet; the chief will see why."))
    else:
        messages.success(request, _("Declined. A replacement has been drawn."))
    # A declined seat no longer opens the task or the inspection page.
    return redirect("assignments:index")


# The chief: releasing and redrawing seats, draw history with replay, pools, checklists and rubrics


def _require_reader(request) -> None:
    if not draw_selectors.may_read_draws(request.user):
        raise PermissionDenied


@login_required
@require_POST
def seat_release(request, seat_pk):
    seat = get_object_or_404(DrawSeat.objects.select_related("draw__application"), pk=seat_pk)
    form = draw_forms.SeatReleaseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        seat = draw_services.seat_release(seat=seat, actor=request.user, reason=reason or _("No response"))
        if seat.redraw_error:
            messages.warning(request, seat.redraw_error)
        else:
            messages.success(request, _("Released; a replacement has been drawn."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_message(error))
    return redirect(_next_url(request, reverse("applications:detail", args=[seat.draw.application_id])))


@login_required
@require_POST
def seat_redraw(request, seat_pk):
    seat = get_object_or_404(DrawSeat.objects.select_related("draw__application"), pk=seat_pk)
    try:
        draw_services.seat_redraw(seat=seat, actor=request.user)
        messages.success(request, _("A replacement has been drawn."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_message(error))
    return redirect(_next_url(request, reverse("applications:detail", args=[seat.draw.application_id])))


@login_required
def draw_list(request):
    _require_reader(request)
    kind, q = request.GET.get("kind", ""), request.GET.get("q", "").strip()
    page = Paginator(draw_selectors.draw_list(kind=kind, q=q), 25).get_page(request.GET.get("page"))
    return render(
        request, "cases/draws/draw_list.html", {"page": page, "kind": kind, "q": q, "kinds": Draw.Kind.choices}
    )


@login_required
def draw_detail(request, draw_pk):
    _require_reader(request)
    draw = get_object_or_404(Draw.objects.select_related("application", "organisation", "drawn_by"), pk=draw_pk)
    people = _names(draw)
    replay = draws.replay(draw) if request.GET.get("replay") else None
    return render(
        request,
        "cases/draws/draw_detail.html",
        {
            "draw": draw,
            "people": people,
            "seats": draw.seats.select_related("user"),
            "eligible": [people.get(pk, pk) for pk in draw.eligible],
            "excluded": [
                {"name": people.get(row["user"], row["user"]), "reasons": [_reason(r) for r in row["reasons"]]}
                for row in draw.excluded
            ],
            "selected": [people.get(pk, pk) for pk in draw.selected],
            "replay": replay,
            "replay_rows": [
                {"name": people.get(pk, pk), "key": key, "drawn": n < draw.seats_wanted}
                for n, (pk, key) in enumerate(replay.ranking)
            ]
            if replay
            else [],
        },
    )


def _names(draw: Draw) -> dict:
    from django.contrib.auth.models import User

    return {
        u.pk: f"{u.get_full_name() or u.username}（{u.username}）"
        for u in User.objects.filter(pk__in=list(draw.pool) + list(draw.selected))
    }


def _reason(code: str) -> str:
    try:
        return str(draws.Exclusion(code).label)
    except ValueError:
        return code


@login_required
def pool(request, kind):
    _require_reader(request)
    if kind not in Draw.Kind.values:
        raise Http404
    return render(
        request,
        "cases/draws/pool.html",
        {
            "kind": kind,
            "rows": draw_selectors.pool_rows(kind=kind),
            "is_team": kind == Draw.Kind.TEAM,
            "may_edit": request.user.is_staff,
        },
    )


@login_required
def standards(request):
    user = request.user
    if not (
        draw_selectors.may_read_draws(user) or any(roles.has_role(user, r) for r in (roles.INSPECTOR, roles.EXPERT))
    ):
        raise PermissionDenied
    return render(
        request,
        "cases/draws/standards.html",
        {
            "checklists": ChecklistTemplate.objects.prefetch_related("items"),
            "rubrics": Rubric.objects.prefetch_related("criteria"),
            "current_checklist": ChecklistTemplate.objects.current(),
            "current_rubric": Rubric.objects.current(),
            "may_edit": request.user.is_staff,
        },
    )
