"""Reads on draws and seats: the drawn person's seats, the draw history, the pools."""

from django.contrib.auth.models import User
from django.db.models import Count, Max, Q

from cases.applications import access
from cases.draws import services as draw_services
from cases.models import (
    Draw,
    DrawSeat,
    ExpertProfile,
    InspectorProfile,
)
from workflow import roles


def is_manager(user) -> bool:
    """The chief (and the superuser) manage drawn teams and panels: release, redraw."""
    return user.is_superuser or roles.has_role(user, roles.CHIEF)


def may_read_draws(user) -> bool:
    """Draw records (pools, exclusions, reasons) are for regulators and auditors, never the drawn."""
    return access.is_case_reader(user)


def _seats(draws_qs) -> list[DrawSeat]:
    return list(
        DrawSeat.objects.filter(draw__in=draws_qs)
        .select_related("user", "draw")
        .annotate(replacements=Count("replacement_draws"))
        .order_by("draw__drawn_at", "draw_id", "position")
    )


# Pages for the chief, the auditor and the drawn people


def seats_of(user):
    """The user's seats, newest first, with what they belong to."""
    return (
        DrawSeat.objects.filter(user=user)
        .select_related(
            "draw__application__organisation",
            "draw__inspection",
            "draw__panel",
            "draw__supervision_case__filing__organisation",
        )
        .order_by("-draw__drawn_at", "-pk")
    )


def draw_list(*, kind: str = "", q: str = ""):
    qs = Draw.objects.select_related("application", "supervision_case", "organisation", "drawn_by").order_by(
        "-drawn_at", "-pk"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(
            Q(application__number__icontains=q)
            | Q(supervision_case__number__icontains=q)
            | Q(organisation__name__icontains=q)
        )
    return qs


def pool_rows(*, kind: str) -> list[dict]:
    """Everyone holding the role, with their profile, declared relations and draw history (constant queries)."""
    role = roles.INSPECTOR if kind == Draw.Kind.TEAM else roles.EXPERT
    profile_model = InspectorProfile if kind == Draw.Kind.TEAM else ExpertProfile
    users = list(
        User.objects.filter(groups__name=role)
        .annotate(
            drawn=Count("draw_seats", filter=Q(draw_seats__draw__kind=kind), distinct=True),
            declined=Count(
                "draw_seats",
                filter=Q(draw_seats__draw__kind=kind, draw_seats__status=DrawSeat.Status.DECLINED),
                distinct=True,
            ),
            last_drawn=Max("draw_seats__draw__drawn_at", filter=Q(draw_seats__draw__kind=kind)),
        )
        .prefetch_related("declared_relations__organisation")
        .order_by("username")
    )
    profiles = {p.user_id: p for p in profile_model.objects.filter(user__in=users).select_related("employer")}
    return [{"user": u, "profile": profiles.get(u.pk), "relations": list(u.declared_relations.all())} for u in users]


def open_seat(seat: DrawSeat) -> bool:
    return draw_services.seat_target_open(seat)
