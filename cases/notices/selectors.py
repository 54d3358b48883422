"""Reads of the public notices (公示): the bodies on notice now and the notices that ended, with their outcome."""

from django.db.models import Count, Prefetch, Q, QuerySet

from cases.models import ApplicationState, FilingApplication, ScopeItem

S = ApplicationState


def _notices() -> QuerySet[FilingApplication]:
    return (
        FilingApplication.objects.filter(notice_starts__isnull=False)
        .select_related("organisation__district", "filing")
        .prefetch_related(Prefetch("scope_items", queryset=ScopeItem.objects.select_related("occupation")))
        .annotate(
            objection_count=Count("objections", distinct=True),
            open_objections=Count("objections", filter=Q(objections__resolved_at__isnull=True), distinct=True),
        )
    )


def notices_current(*, today) -> QuerySet[FilingApplication]:
    """The bodies on public notice today (from the notice's first to its last day)."""
    return (
        _notices()
        .filter(state=S.ON_NOTICE, notice_starts__lte=today, notice_ends__gte=today)
        .order_by("notice_ends", "pk")
    )


def notices_past(*, today) -> QuerySet[FilingApplication]:
    """Notices that have ended, newest first: filed, or still waiting for registration."""
    return _notices().filter(notice_ends__lt=today).order_by("-notice_ends", "-pk")


def notice_of(*, number: str) -> FilingApplication | None:
    """One notice by application number, or None (drafts and cases never on notice are not public)."""
    return _notices().filter(number=number).first()
