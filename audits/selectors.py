"""Reads of the trail: case timelines and the auditors' search."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from audits.export import start_of
from audits.models import AuditEvent


def timeline_for(
    *,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_ids: Iterable | None = None,
    public_only: bool,
    organisation=None,
    shared_actions: Iterable[str] = (),
) -> QuerySet[AuditEvent] | list[AuditEvent]:
    """The events of one object (or several of one type) in time order, in one query.

    public_only keeps the events meant for applicants (recorded with public=True).
    organisation: the reader is a member of this organisation (an applicant or a filed body). It sees
    what is meant for it (public events and the actions in shared_actions, such as a decision on its
    batch) and what its own members did, never the bureau's internal steps (reviews, downloads); the
    bureau's staff appear as "the bureau", not by name. The result is then a list.
    """
    if obj is not None:
        object_type, object_ids = obj._meta.label_lower, [obj.pk]
    if not object_type or object_ids is None:
        raise ValueError("timeline_for() needs obj, or object_type and object_ids")
    events = AuditEvent.objects.filter(object_type=object_type, object_id__in=[str(pk) for pk in object_ids])
    if organisation is not None:
        members = organisation.members.values("pk")
        events = events.filter(Q(public=True) | Q(action__in=list(shared_actions)) | Q(actor__in=members))
        return _without_staff_names(list(events.select_related("actor").order_by("at", "id")), organisation)
    if public_only:
        events = events.filter(public=True)
    return events.select_related("actor").order_by("at", "id")


def _without_staff_names(events: list[AuditEvent], organisation) -> list[AuditEvent]:
    member_ids = set(organisation.members.values_list("pk", flat=True))
    for event in events:
        if event.actor_id is not None and event.actor_id not in member_ids:
            # Only the copy shown is changed; events are append-only and never saved again.
            event.actor, event.actor_label = None, str(_("The bureau"))
    return events


def audit_search(
    *,
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events matching every given filter, newest first; dates are local days, both inclusive."""
    events = AuditEvent.objects.select_related("actor").order_by("-id")
    exact = {"actor__username": actor, "object_type": object_type, "object_id": object_id, "action": action}
    events = events.filter(**{field: value for field, value in exact.items() if value})
    if date_from:
        events = events.filter(at__gte=start_of(date_from))
    if date_to:
        events = events.filter(at__lt=start_of(date_to + datetime.timedelta(days=1)))
    return events


# Paging by key: the next page starts below the last id shown, so a page costs the same however deep it
# is, and nothing counts the whole trail (the page offers "more" instead of a number of pages).

AUDIT_PAGE_SIZE = 50


@dataclass
class EventPage:
    rows: list
    next_cursor: str
    first: bool

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def audit_page(events: QuerySet[AuditEvent], *, after: str = "", size: int = AUDIT_PAGE_SIZE) -> EventPage:
    """One page of a search, newest first, after the event id `after` (a cursor that is no id starts at the top)."""
    cursor = after.strip()
    if cursor.isdigit():
        events = events.filter(id__lt=int(cursor))
    rows = list(events.order_by("-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return EventPage(rows, str(rows[-1].pk) if more else "", first=not cursor.isdigit())
