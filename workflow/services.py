"""Starting, resuming and cancelling the filing flow, and finding the task a service acts on."""

from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow.flows.filing import FilingFlow
from workflow.tasks import OPEN, TaskUnavailable, task_claim, user_may_take


def flow_start(*, application) -> None:
    """Start the flow for a first submission and link the application to its process."""
    application.process = FilingFlow.start.run(application=application)
    application.save(update_fields=["process"])


def flow_resume_after_supplement(*, application) -> None:
    task = Task.objects.get(process_id=application.process_id, flow_task=FilingFlow.supplement, status=STATUS.NEW)
    FilingFlow.supplement.run(task)


def flow_cancel(*, application) -> None:
    FilingFlow.instance.cancel(application.process)


def open_task_for(*, application, step, actor) -> Task:
    """The actor's open task at `step` of this application, claiming it from the queue if needed."""
    tasks = Task.objects.filter(process_id=application.process_id, flow_task=step, status__in=OPEN)
    mine = next((task for task in tasks if task.owner_id == actor.pk), None)
    if mine is not None:
        return mine
    queued = next((task for task in tasks if task.status == STATUS.NEW and user_may_take(actor, task)), None)
    if queued is not None:
        return task_claim(task_id=queued.pk, actor=actor)
    raise TaskUnavailable(_("There is no open task for you at this step of %(number)s.") % {"number": application})
