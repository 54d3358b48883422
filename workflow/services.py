"""Starting, resuming and cancelling the flow of a case, and finding the task a service acts on.

A case (an application, a supervision case, a result batch) is the artifact of its process and
holds the process in its `process` field.
"""

from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflow.tasks import OPEN, TaskUnavailable, waiting_task_complete
from workflow.todo import work_items_sync_process


def flow_start(flow_class, *, subject) -> None:
    """Start the flow of a case (its first submission or opening) and link the case to its process."""
    subject.process = flow_class.start.run(subject=subject)
    subject.save(update_fields=["process"])


def waiting_step_answer(*, subject, node, actor) -> Task:
    """The organisation has answered a step that waited for it (resubmission, correction, rectification).

    Takes the process lock first (the one lock order), then completes the waiting task; the next step
    (the review coming back, the verification) is created.
    """
    task = Task.objects.filter(process_id=subject.process_id, flow_task=node, status=STATUS.NEW).first()
    if task is None:
        raise TaskUnavailable(_("This step has already been answered."))
    with node.flow_class.lock(subject.process_id):
        return waiting_task_complete(task=task, actor=actor)


def flow_cancel(flow_class, *, subject, actor=None) -> None:
    """Cancel the flow of a case (a withdrawn application): its open tasks leave every to-do list."""
    with flow_class.lock(subject.process_id):
        flow_class.instance.cancel(subject.process)
        work_items_sync_process(subject.process_id, actor=actor)


def open_task_for(*, subject, node, actor) -> Task:
    """The open task at `node` of this case that the actor holds or may take from the queue."""
    tasks = Task.objects.filter(process_id=subject.process_id, flow_task=node, status__in=OPEN)
    mine = next((task for task in tasks if task.owner_id == actor.pk), None)
    if mine is not None:
        return mine
    queued = next(
        (task for task in tasks if task.status == STATUS.NEW and actor.has_perm(task.owner_permission or "-")), None
    )
    if queued is not None:
        return queued
    raise TaskUnavailable(_("There is no open task for you at this step of %(number)s.") % {"number": subject})
