"""Task lists built as single queries (viewflow's own queue query is O(permissions))."""

from django.db.models import QuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow.flows import FilingFlow

STEPS = [
    FilingFlow.review,
    FilingFlow.plan_inspection,
    FilingFlow.site_inspection,
    FilingFlow.score,
    FilingFlow.decide,
    FilingFlow.notice,
]


def _base() -> QuerySet:
    return Task.objects.filter(process__filing_application__isnull=False).select_related(
        "owner", "process__filing_application__organisation__district"
    )


def _filtered(qs: QuerySet, *, step: str = "", district: str = "") -> QuerySet:
    if step:
        node = next((node for node in STEPS if node.name == step), None)
        qs = qs.filter(flow_task=node) if node else qs.none()
    if district:
        qs = qs.filter(process__filing_application__organisation__district__code=district)
    return qs


def inbox_for(*, user, step: str = "", district: str = "") -> QuerySet:
    """Tasks assigned to the user, oldest first."""
    return _filtered(_base().filter(owner=user, status=STATUS.ASSIGNED), step=step, district=district).order_by(
        "created"
    )


def queue_for(*, user, step: str = "", district: str = "") -> QuerySet:
    """Unclaimed tasks the user's roles may take."""
    permissions = user.get_all_permissions()
    qs = _base().filter(status=STATUS.NEW, owner_permission__in=permissions)
    return _filtered(qs, step=step, district=district).order_by("created")


def archive_for(*, user, step: str = "", district: str = "") -> QuerySet:
    """Tasks the user completed, newest first."""
    return _filtered(_base().filter(owner=user, status=STATUS.DONE), step=step, district=district).order_by("-finished")


def open_tasks_of(*, application) -> QuerySet:
    return Task.objects.filter(
        process_id=application.process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).select_related("owner")
