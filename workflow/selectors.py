"""The to-do lists of every user, read from the to-do rows (workflow.models.WorkItem).

Each list is one query on one table through an index made for it, sorted by due date (open work) or
by completion (the archive), and paged by key ("seek"): a page costs the same on the first page and
the thousandth, and no list counts its whole set. Counters stop at COUNT_CAP.

A list that gathers several index ranges (the queue of a user holding several queue permissions, the
inbox of someone who is also a member of a body) remembers them as branches: on PostgreSQL a page and a
counter read each branch through its index in the list's order, stopping after one page, and merge them
(UNION of ordered, limited subqueries) instead of sorting every row of every branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import connections
from django.db.models import Q, QuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow.models import WorkItem
from workflow.steps import every_step

OPEN = [STATUS.NEW, STATUS.ASSIGNED]
PAGE_SIZE = 25
COUNT_CAP = 99  # a counter shows "99+" beyond this: counting a whole queue of a province is not worth its cost
BY_DUE = ("due_on", "id")
BY_FINISHED = ("-finished_at", "-id")


def _filtered(qs: QuerySet, *, kind: str = "", step: str = "", district: str = "") -> QuerySet:
    if kind:
        qs = qs.filter(kind=kind) if kind in WorkItem.Kind.values else qs.none()
    if step:
        qs = qs.filter(step=step)
    if district:
        # The district's id, looked up first: the planner then reads the filter's own index in the list's order
        # (through a join on the code it cannot tell how many rows match, and sorts them all).
        districts = WorkItem._meta.get_field("district").related_model.objects
        found = districts.filter(code=district).values_list("pk", flat=True).first()
        qs = qs.filter(district_id=found) if found is not None else qs.none()
    return qs


class ToDoQuerySet(QuerySet):
    """To-do rows, with the branches (index ranges) the list gathers, kept through filtering and ordering."""

    branches: tuple[Q, ...] = ()

    def _clone(self):
        clone = super()._clone()
        clone.branches = self.branches
        return clone

    def merged_from(self, branches: list[Q]) -> ToDoQuerySet:
        clone = self._chain()
        clone.branches = tuple(branches)
        return clone


def _merges(qs: QuerySet) -> bool:
    return len(getattr(qs, "branches", ())) > 1 and connections[qs.db].features.supports_slicing_ordering_in_compound


# What a list row shows of the rows it refers to: an organisation's address or a user's password hash are
# neither read nor turned into objects 25 times a page.
_SHOWN = ("organisation__name", "district__name", "owner__username", "owner__first_name", "owner__last_name")


def _rows() -> ToDoQuerySet:
    own = [field.name for field in WorkItem._meta.concrete_fields]
    return ToDoQuerySet(WorkItem).select_related("organisation", "district", "owner").only(*own, *_SHOWN)


def task_permissions(user) -> set[str]:
    """The permissions of the user that name a step's queue (one query, cached on the user by Django)."""
    queues = {step.permission for step in every_step() if step.permission}
    return queues & user.get_all_permissions()


def inbox_for(*, user, kind: str = "", step: str = "", district: str = "") -> QuerySet[WorkItem]:
    """The user's open work, the earliest due first: tasks they hold, seats to confirm, and the steps their
    organisation must answer."""
    organisations = sorted(user.organisations.values_list("pk", flat=True))
    condition = Q(owner=user)
    if organisations:
        condition |= Q(for_body=True, organisation_id__in=organisations)
    branches = [Q(owner=user), *(Q(for_body=True, organisation_id=pk) for pk in organisations)]
    qs = _rows().filter(condition, is_open=True).merged_from(branches)
    return _filtered(qs, kind=kind, step=step, district=district).order_by(*BY_DUE)


def queue_for(*, user, kind: str = "", step: str = "", district: str = "") -> QuerySet[WorkItem]:
    """Unclaimed tasks the user's roles may take, the earliest due first."""
    permissions = sorted(task_permissions(user))
    qs = _rows().filter(is_open=True, owner__isnull=True, for_body=False, permission__in=permissions)
    qs = qs.merged_from([Q(permission=permission) for permission in permissions])
    return _filtered(qs, kind=kind, step=step, district=district).order_by(*BY_DUE)


def archive_for(*, user, kind: str = "", step: str = "", district: str = "") -> QuerySet[WorkItem]:
    """The work the user finished, the latest first."""
    qs = _rows().filter(is_open=False, finished_by=user)
    return _filtered(qs, kind=kind, step=step, district=district).order_by(*BY_FINISHED)


def overdue_for(*, today: date, kind: str = "", step: str = "", district: str = "") -> QuerySet[WorkItem]:
    """Every open piece of the section's work past its due date, whoever holds it (the chief's view)."""
    qs = _rows().filter(is_open=True, for_body=False, due_on__lt=today)
    return _filtered(qs, kind=kind, step=step, district=district).order_by(*BY_DUE)


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> int:
    """How many rows, counting no further than cap + 1 (shown as "99+")."""
    if _merges(qs):
        parts = [qs.filter(branch).order_by().values("pk")[: cap + 1] for branch in qs.branches]
        return min(parts[0].union(*parts[1:]).count(), cap + 1)
    return qs.order_by()[: cap + 1].count()


@dataclass(frozen=True)
class Counts:
    total: int
    overdue: int
    due_soon: int

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP


def counts(qs: QuerySet, *, today: date, soon: date) -> Counts:
    """How much open work there is, how much of it is overdue and how much due soon (capped counts)."""
    return Counts(
        capped_count(qs),
        capped_count(qs.filter(due_on__lt=today)),
        capped_count(qs.filter(due_on__gte=today, due_on__lte=soon)),
    )


# Keyset pages


@dataclass
class Page:
    rows: list
    next_cursor: str
    first: bool

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def _cursor_of(row: WorkItem, archive: bool) -> str:
    if archive:
        return f"{row.finished_at.isoformat()}|{row.pk}"
    return f"{row.due_on.isoformat()}|{row.pk}"


def _after(qs: QuerySet, cursor: str, archive: bool) -> QuerySet:
    """The rows after the cursor in the list's own order; a cursor that does not parse starts from the top."""
    try:
        value, pk = cursor.split("|")
        pk = int(pk)
        if archive:
            moment = datetime.fromisoformat(value)
            return qs.filter(Q(finished_at__lt=moment) | Q(finished_at=moment, pk__lt=pk), finished_at__lte=moment)
        day = date.fromisoformat(value)
        # The plain bound beside the OR is what lets the index start the range at the cursor.
        return qs.filter(Q(due_on__gt=day) | Q(due_on=day, pk__gt=pk), due_on__gte=day)
    except ValueError:
        return qs


def page_of(qs: QuerySet, *, cursor: str = "", archive: bool = False, size: int = PAGE_SIZE) -> Page:
    """One page of a list, after `cursor` (from the previous page's `next_cursor`); one query."""
    if cursor:
        qs = _after(qs, cursor, archive)
    if _merges(qs):
        order = BY_FINISHED if archive else BY_DUE
        parts = [qs.filter(branch).order_by(*order).values("pk")[: size + 1] for branch in qs.branches]
        ids = parts[0].union(*parts[1:])
        qs = qs.filter(pk__in=ids).order_by(*order)
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, _cursor_of(rows[-1], archive) if more else "", first=not cursor)


def open_tasks_of(*, process_id) -> QuerySet:
    return (
        Task.objects.filter(process_id=process_id, status__in=OPEN)
        .select_related("owner", "deadline")
        .order_by("created", "pk")
    )
