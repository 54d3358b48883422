"""Running a human step of any flow: the actor's task, the locked case, the step's work, all or nothing."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from cases.common.locking import locked
from workflow.services import open_task_for
from workflow.tasks import task_complete


def ensure_impartial(organisation, actor) -> None:
    """Nobody acts on a case of an organisation they belong to."""
    if organisation.has_member(actor):
        raise PermissionDenied(_("You belong to the organisation concerned and may not act on this case."))


def run_task_step(*, subject, actor, step, work, organisation=None):
    """Complete the actor's task at `step` (a flow node) of `subject` with `work(locked_subject)`.

    One transaction, locks in the one order: the process, the task (claimed from the queue if the actor
    may take it), then the case's own row. Returns the case as `work` left it.
    """
    fresh = type(subject).objects.get(pk=subject.pk)  # never stale
    ensure_impartial(organisation(fresh) if organisation else fresh.organisation, actor)
    task = open_task_for(subject=fresh, node=step, actor=actor)
    result = {}

    def locked_work():
        result["subject"] = locked(fresh)
        work(result["subject"])

    task_complete(task_id=task.pk, actor=actor, work=locked_work, claim=True)
    return result["subject"]
