"""Task lists built as single queries (viewflow's own queue query is O(permissions)).

Open tasks come with their deadline (one join) and are sorted by due date, most urgent first.
"""

from datetime import date

from django.db.models import Count, F, Q, QuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow.flows.filing import FilingFlow

STEPS = [
    FilingFlow.review,
    FilingFlow.plan_inspection,
    FilingFlow.site_inspection,
    FilingFlow.draw_panel,
    FilingFlow.score,
    FilingFlow.decide,
    FilingFlow.notice,
]
OPEN = [STATUS.NEW, STATUS.ASSIGNED]
BY_DUE_DATE = (F("deadline__due_on").asc(nulls_last=True), "created", "pk")


def _base() -> QuerySet:
    return Task.objects.filter(process__filing_application__isnull=False).select_related(
        "owner", "deadline", "process__filing_application__organisation__district"
    )


def _filtered(qs: QuerySet, *, step: str = "", district: str = "") -> QuerySet:
    if step:
        node = next((node for node in STEPS if node.name == step), None)
        qs = qs.filter(flow_task=node) if node else qs.none()
    if district:
        qs = qs.filter(process__filing_application__organisation__district__code=district)
    return qs


def inbox_for(*, user, step: str = "", district: str = "") -> QuerySet:
    """Tasks assigned to the user, the earliest due first."""
    qs = _base().filter(owner=user, status=STATUS.ASSIGNED)
    return _filtered(qs, step=step, district=district).order_by(*BY_DUE_DATE)


def queue_for(*, user, step: str = "", district: str = "") -> QuerySet:
    """Unclaimed tasks the user's roles may take, the earliest due first."""
    permissions = user.get_all_permissions()
    qs = _base().filter(status=STATUS.NEW, owner_permission__in=permissions)
    return _filtered(qs, step=step, district=district).order_by(*BY_DUE_DATE)


def archive_for(*, user, step: str = "", district: str = "") -> QuerySet:
    """Tasks the user completed, newest first."""
    return _filtered(_base().filter(owner=user, status=STATUS.DONE), step=step, district=district).order_by("-finished")


def overdue_for(*, user, today: date, step: str = "", district: str = "") -> QuerySet:
    """Every open task of the filing flow past its due date, whoever holds it (the chief's view)."""
    qs = _base().filter(status__in=OPEN, flow_task__in=STEPS, deadline__due_on__lt=today)
    return _filtered(qs, step=step, district=district).order_by(*BY_DUE_DATE)


def deadline_counts(qs: QuerySet, *, today: date, soon: date) -> dict[str, int]:
    """How many of the tasks there are, how many are overdue and how many due soon: one query."""
    return qs.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(deadline__due_on__lt=today)),
        due_soon=Count("pk", filter=Q(deadline__due_on__gte=today, deadline__due_on__lte=soon)),
    )


def open_tasks_of(*, application) -> QuerySet:
    return (
        Task.objects.filter(process_id=application.process_id, status__in=OPEN)
        .select_related("owner", "deadline")
        .order_by("created", "pk")
    )
