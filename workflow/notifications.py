"""Notifications: in the app (the bell) and by e-mail, once per event and recipient.

Services call the `notify_*` functions inside their transaction. Each creates one Notification
per recipient (a second call for the same event adds nothing) and, for recipients who want this
kind by e-mail, queues the e-mail job once the transaction has committed (workflow.jobs). The text
is rendered from the kind and its data in the reader's language: the page's language under the
bell, the recipient's chosen language in the e-mail.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from viewflow.workflow.models import Task

from workflow import background
from workflow.models import Notification, NotificationKind, NotificationSettings, TaskDeadline
from workflow.steps import task_url

K = NotificationKind


# Creating notifications


def notify(*, recipients: Iterable, kind: str, event_key: str, data: dict | None = None, url: str = "") -> list:
    """Notify each recipient of one event; returns the notifications created by this call (not the repeats)."""
    users = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not users:
        return []
    preferences = {s.user_id: s for s in NotificationSettings.objects.filter(user_id__in=users)}
    created = []
    for user in users.values():
        wants = preferences.get(user.pk, NotificationSettings(user=user)).wants_email(kind)
        notification = Notification(
            recipient=user,
            kind=kind,
            event_key=event_key[:150],
            data=data or {},
            url=url,
            email=Notification.Email.PENDING if wants and user.email else Notification.Email.NONE,
        )
        try:
            with transaction.atomic():  # a savepoint: a repeat must not spoil the caller's transaction
                notification.save(force_insert=True)
        except IntegrityError:  # this recipient already has this event
            continue
        created.append(notification)
        if notification.email == Notification.Email.PENDING:
            _email_after_commit(notification.pk)
    return created


def _email_after_commit(notification_id: int) -> None:
    transaction.on_commit(lambda: background.enqueue("workflow.send_notification_email", notification_id))


# Events of tasks


def _english(text) -> str:
    """Lazy titles are stored as their English msgid and translated again when shown."""
    with translation.override("en"):
        return str(text)


def _task_data(task: Task, deadline: TaskDeadline | None = None) -> dict:
    if deadline is None:
        deadline = TaskDeadline.objects.filter(task=task).first()
    return {
        "task": task.pk,
        "step": _english(task.flow_task.task_title),
        "subject": str(task.process.artifact or task.process),
        "due_on": deadline.due_on.isoformat() if deadline else "",
    }


def notify_task_assigned(*, task: Task, actor=None, event: str = "created") -> list:
    """Tell a task's owner it is theirs: when it is created with an owner, or handed to them.

    `event` tells this assignment apart from others of the same task (the audit event of a
    reassignment); nobody is told of what they did themselves.
    """
    if task.owner_id is None or (actor is not None and actor.pk == task.owner_id):
        return []
    return notify(
        recipients=[task.owner],
        kind=K.TASK_ASSIGNED,
        event_key=f"task.assigned:{task.pk}:{task.owner_id}:{event}",
        data=_task_data(task),
        url=task_url(task),
    )


def notify_task_reassigned(*, task: Task, previous_owner, actor, event: str) -> list:
    """The chief handed the task on: the new owner gets it, the previous one learns it has gone."""
    created = notify_task_assigned(task=task, actor=actor, event=event)
    if previous_owner is not None and previous_owner.pk != task.owner_id:
        data = {**_task_data(task), "to": task.owner.get_full_name() or task.owner.get_username()}
        created += notify(
            recipients=[previous_owner],
            kind=K.TASK_REASSIGNED,
            event_key=f"task.reassigned:{task.pk}:{previous_owner.pk}:{event}",
            data=data,
            url=reverse("tasks:inbox"),
        )
    return created


def notify_deadline(*, deadline: TaskDeadline, kind: str) -> list:
    """Remind the task's owner (or the one responsible for an unclaimed step) of a due date; once per task."""
    task = deadline.task
    recipient = task.owner if task.owner_id else deadline.responsible
    if recipient is None:
        return []
    return notify(
        recipients=[recipient],
        kind=kind,
        event_key=f"{kind}:{task.pk}:{deadline.due_on.isoformat()}",
        data=_task_data(task, deadline),
        url=task_url(task),
    )


def notify_escalation(*, deadline: TaskDeadline, recipients: Iterable, late_by: int) -> list:
    """Tell the chiefs that a task is overdue past the grace; once per task."""
    task = deadline.task
    owner = task.owner.get_full_name() or task.owner.get_username() if task.owner_id else ""
    return notify(
        recipients=recipients,
        kind=K.TASK_ESCALATED,
        event_key=f"task.escalated:{task.pk}",
        data={**_task_data(task, deadline), "late_by": late_by, "owner": owner},
        url=task_url(task),
    )


# Events of applications (the applicant organisation's members are told)


def _applicants(application):
    return application.organisation.members.filter(is_active=True)


def _application_url(application) -> str:
    return reverse("applications:detail", args=[application.pk])


def notify_application_returned(*, application, round_no: int, due_on: date) -> list:
    return notify(
        recipients=_applicants(application),
        kind=K.APPLICATION_RETURNED,
        event_key=f"application.returned:{application.pk}:{round_no}",
        data={"subject": application.number, "due_on": due_on.isoformat()},
        url=_application_url(application),
    )


def notify_application_accepted(*, application) -> list:
    return notify(
        recipients=_applicants(application),
        kind=K.APPLICATION_ACCEPTED,
        event_key=f"application.accepted:{application.pk}",
        data={"subject": application.number},
        url=_application_url(application),
    )


APPROVED, REJECTED, FILED = "approved", "rejected", "filed"


def notify_application_decided(*, application, outcome: str, filing_number: str = "") -> list:
    """Approved (the public notice runs), rejected (at review or decision), or filed (registered)."""
    data = {"subject": application.number, "outcome": outcome, "filing": filing_number}
    if application.notice_ends:
        data["notice_ends"] = application.notice_ends.isoformat()
    return notify(
        recipients=_applicants(application),
        kind=K.APPLICATION_DECIDED,
        event_key=f"application.{outcome}:{application.pk}",
        data=data,
        url=_application_url(application),
    )


def notify_rectification_ordered(*, order, url: str = "") -> list:
    """Tell the filed body's members that a rectification order was issued (call it from the order's service)."""
    case = order.case
    organisation = case.filing.organisation
    return notify(
        recipients=organisation.members.filter(is_active=True),
        kind=K.RECTIFICATION_ORDERED,
        event_key=f"rectification.ordered:{case.pk}:{order.round}",
        data={"subject": case.number, "round": order.round, "due_on": order.deadline.isoformat()},
        url=url,
    )


# Events of draws and teams


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def notify_seat_drawn(*, seat, url: str) -> list:
    """Tell a drawn inspector or expert they have a seat to confirm (or decline) on a team or panel."""
    application = seat.draw.application
    return notify(
        recipients=[seat.user],
        kind=K.SEAT_DRAWN,
        event_key=f"seat.drawn:{seat.pk}",
        data={
            "subject": application.number,
            "organisation": application.organisation.name,
            "role": _english(seat.get_role_display()),
            "panel": seat.draw.kind == "expert_panel",
        },
        url=url,
    )


def notify_seat_declined(*, seat, replacement, recipients: Iterable, url: str) -> list:
    """Tell the chiefs that a drawn person declined, and who was drawn instead (or that the seat is vacant)."""
    application = seat.draw.application
    return notify(
        recipients=recipients,
        kind=K.SEAT_DECLINED,
        event_key=f"seat.declined:{seat.pk}",
        data={
            "subject": application.number,
            "who": _name(seat.user),
            "replacement": _name(replacement) if replacement else "",
            "vacancy": seat.redraw_error,
        },
        url=url,
    )


def notify_team_assigned(*, case, members: Iterable, url: str) -> list:
    """Tell the inspectors of a supervision case they are on its team (the leader also gets the task)."""
    return notify(
        recipients=members,
        kind=K.TEAM_ASSIGNED,
        event_key=f"supervision.team:{case.pk}:{case.inspection_date.isoformat() if case.inspection_date else ''}",
        data={
            "subject": case.number,
            "organisation": case.filing.organisation.name,
            "due_on": case.inspection_date.isoformat() if case.inspection_date else "",
        },
        url=url,
    )


# Events of result batches and supervision cases (the organisation's members are told)

REGISTERED, RETURNED = "registered", "returned"


def notify_batch_decided(*, batch, outcome: str, url: str) -> list:
    """Registered (certificates issued), returned for correction (with its due date) or rejected."""
    return notify(
        recipients=batch.organisation.members.filter(is_active=True),
        kind=K.BATCH_DECIDED,
        event_key=f"batch.{outcome}:{batch.pk}:{batch.returned_at.isoformat() if outcome == RETURNED else ''}",
        data={
            "subject": batch.number,
            "outcome": outcome,
            "due_on": batch.fix_due.isoformat() if outcome == RETURNED and batch.fix_due else "",
            "certificates": batch.passed_count if outcome == REGISTERED else 0,
        },
        url=url,
    )


def notify_supervision_opened(*, case, url: str) -> list:
    """Tell the filed body's members that a supervision case was opened about it."""
    return notify(
        recipients=case.filing.organisation.members.filter(is_active=True),
        kind=K.SUPERVISION_OPENED,
        event_key=f"supervision.opened:{case.pk}",
        data={"subject": case.number, "trigger": _english(case.get_trigger_display())},
        url=url,
    )


# Rendering (in the active language)


def _date(value: str) -> str:
    return formats.date_format(date.fromisoformat(value), "DATE_FORMAT") if value else ""


def _outcome_text(data: dict) -> str:
    subject = data.get("subject", "")
    if data.get("outcome") == APPROVED:
        return _("Application %(subject)s has been approved; the public notice runs until %(date)s.") % {
            "subject": subject,
            "date": _date(data.get("notice_ends", "")),
        }
    if data.get("outcome") == FILED:
        return _("Application %(subject)s has been filed under number %(filing)s.") % {
            "subject": subject,
            "filing": data.get("filing", ""),
        }
    return _("Application %(subject)s has been rejected; the reasons are on the case page.") % {"subject": subject}


def notification_text(notification: Notification) -> str:
    """The message of a notification in the active language."""
    data = notification.data or {}
    values = {
        "step": _(data["step"]) if data.get("step") else "",
        "subject": data.get("subject", ""),
        "date": _date(data.get("due_on", "")),
        "to": data.get("to", ""),
        "late_by": data.get("late_by", 0),
        "owner": data.get("owner") or _("nobody (in the queue)"),
    }
    kind = notification.kind
    if kind == K.TASK_ASSIGNED:
        if values["date"]:
            return _("%(step)s of %(subject)s is assigned to you, due on %(date)s.") % values
        return _("%(step)s of %(subject)s is assigned to you.") % values
    if kind == K.TASK_REASSIGNED:
        return _("%(step)s of %(subject)s has been reassigned from you to %(to)s.") % values
    if kind == K.APPLICATION_RETURNED:
        return _("Application %(subject)s has been returned: fix the deficiencies and resubmit by %(date)s.") % values
    if kind == K.APPLICATION_ACCEPTED:
        return _("Application %(subject)s has been accepted; the site inspection is planned next.") % values
    if kind == K.APPLICATION_DECIDED:
        return _outcome_text(data)
    if kind == K.RECTIFICATION_ORDERED:
        return _("Rectification is ordered in case %(subject)s: respond by %(date)s.") % values
    if kind == K.DEADLINE_APPROACHING:
        return _("%(step)s of %(subject)s is due on %(date)s.") % values
    if kind == K.DEADLINE_OVERDUE:
        return _("%(step)s of %(subject)s was due on %(date)s and is overdue.") % values
    if kind == K.SEAT_DRAWN:
        values.update(organisation=data.get("organisation", ""), role=_(data["role"]) if data.get("role") else "")
        if data.get("panel"):
            return (
                _(
                    "You have been drawn for the expert panel of %(subject)s (%(organisation)s): confirm your seat, "
                    "declaring no conflict of interest, or decline it."
                )
                % values
            )
        return (
            _(
                "You have been drawn for the inspection team of %(subject)s (%(organisation)s) as %(role)s: confirm "
                "your seat, declaring no conflict of interest, or decline it."
            )
            % values
        )
    if kind == K.SEAT_DECLINED:
        values.update(who=data.get("who", ""), replacement=data.get("replacement", ""))
        if values["replacement"]:
            return _("%(who)s declined the seat on %(subject)s; %(replacement)s has been drawn instead.") % values
        return (
            _("%(who)s declined the seat on %(subject)s and nobody could be drawn instead: the seat is vacant.")
            % values
        )
    if kind == K.TEAM_ASSIGNED:
        values["organisation"] = data.get("organisation", "")
        return (
            _(
                "You are on the inspection team of supervision case %(subject)s (%(organisation)s), "
                "inspection on %(date)s."
            )
            % values
        )
    if kind == K.BATCH_DECIDED:
        outcome = data.get("outcome")
        if outcome == REGISTERED:
            return _("Result batch %(subject)s has been registered; %(count)s certificates are issued.") % {
                **values,
                "count": data.get("certificates", 0),
            }
        if outcome == RETURNED:
            return _("Result batch %(subject)s has been returned: correct it and resubmit by %(date)s.") % values
        return _("Result batch %(subject)s has been rejected; the reasons are on the batch page.") % values
    if kind == K.SUPERVISION_OPENED:
        values["trigger"] = _(data["trigger"]) if data.get("trigger") else ""
        return _("Supervision case %(subject)s has been opened about your body (%(trigger)s).") % values
    if kind == K.SELECTION_PUBLISHED:
        return _("The selection list of %(subject)s is published; objections are taken until %(date)s.") % values
    if kind == K.SELECTION_DECIDED:
        outcome = data.get("outcome")
        if outcome == "selected":
            return _("Application %(subject)s has been selected; it continues into the filing flow.") % values
        if outcome == "ineligible":
            return _("Application %(subject)s does not meet the conditions of the call (see the notice).") % values
        return _("Application %(subject)s has not been selected; the notice gives the reasons.") % values
    if kind == K.TASK_ESCALATED:
        return (
            ngettext(
                "%(step)s of %(subject)s is %(late_by)d working day overdue (due on %(date)s; with %(owner)s).",
                "%(step)s of %(subject)s is %(late_by)d working days overdue (due on %(date)s; with %(owner)s).",
                values["late_by"],
            )
            % values
        )
    return str(NotificationKind(kind).label) if kind in NotificationKind.values else kind


def absolute_url(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{path}" if path.startswith("/") else path


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail of a notification, in its recipient's language."""
    user = notification.recipient
    language = (
        NotificationSettings.objects.filter(user=user).values_list("language", flat=True).first()
        or settings.LANGUAGE_CODE
    )
    with translation.override(language):
        context = {
            "user": user,
            "name": user.get_full_name() or user.get_username(),
            "kind": NotificationKind(notification.kind).label,
            "message": notification_text(notification),
            "link": absolute_url(notification.url) if notification.url else "",
            "settings_link": absolute_url(reverse("workbench:notification_settings")),
            "site_name": _("Skill-level certification filing"),
        }
        subject = " ".join(render_to_string("emails/notification_subject.txt", context).split())
        text = render_to_string("emails/notification.txt", context)
        html = render_to_string("emails/notification.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[user.email], headers={"Content-Language": language}
    )
    message.attach_alternative(html, "text/html")
    return message


def send_notification_email(notification_id: int) -> bool:
    """Send one notification's e-mail unless it has been sent; True if this call sent it.

    The row stays locked while sending, so two workers given the same job send it once; if sending
    fails, the transaction rolls back and the notification stays pending for the retry.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.email != Notification.Email.PENDING:
            return False
        notification_email(notification).send()
        notification.email, notification.emailed_at = Notification.Email.SENT, timezone.now()
        notification.save(update_fields=["email", "emailed_at"])
        return True


# Reading


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or the given ones) read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def notifications_for(*, user):
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")
