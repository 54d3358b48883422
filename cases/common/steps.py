"""Running a human step of a flow: the actor's task, the locked case, the step's work, all or nothing."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from cases.models import (
    FilingApplication,
)
from workflow.services import open_task_for
from workflow.tasks import task_complete


def locked_application(application) -> FilingApplication:
    return FilingApplication.objects.select_for_update().select_related("organisation").get(pk=application.pk)


def ensure_impartial(application, actor) -> None:
    """Nobody acts on a case of an organisation they belong to."""
    if application.organisation.has_member(actor):
        raise PermissionDenied(_("You belong to the applicant organisation and may not act on this case."))


def run_task_step(*, application, actor, step, work) -> FilingApplication:
    application = FilingApplication.objects.select_related("organisation").get(pk=application.pk)  # never stale
    ensure_impartial(application, actor)
    task = open_task_for(application=application, step=step, actor=actor)
    result = {}

    def locked_work():
        result["application"] = locked_application(application)
        work(result["application"])

    task_complete(task_id=task.pk, actor=actor, work=locked_work)
    return result["application"]
