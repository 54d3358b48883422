"""Who is told what in a public selection (in the app and by e-mail, through workflow.notifications.notify)."""

from django.urls import reverse

from workflow.models import NotificationKind
from workflow.notifications import notify


def _members(organisation):
    return organisation.members.filter(is_active=True)


def notify_decided(*, application, outcome: str) -> list:
    """The applicant's members learn the outcome: not eligible, selected or not selected (the notice says why)."""
    call = application.call
    return notify(
        recipients=_members(application.organisation),
        kind=NotificationKind.SELECTION_DECIDED,
        event_key=f"selection.{outcome}:{application.pk}",
        data={"subject": str(application), "call": call.number, "outcome": outcome},
        url=reverse("selection:application", args=[application.pk]),
    )


def notify_published(*, call) -> list:
    """Every applicant found eligible learns that the list is published and until when objections are taken."""
    created = []
    for application in call.applications.filter(state="eligible").select_related("organisation"):
        created += notify(
            recipients=_members(application.organisation),
            kind=NotificationKind.SELECTION_PUBLISHED,
            event_key=f"selection.published:{call.pk}:{application.pk}",
            data={
                "subject": call.number,
                "due_on": call.publication_ends.isoformat(),
            },
            url=reverse("selections:detail", args=[call.number]),
        )
    return created
