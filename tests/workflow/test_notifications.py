"""Notifications: who is told what, once per event; the bell, the page, the e-mail and its language."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from viewflow.workflow.models import Task

from cases.applications import services as apply
from cases.inspections import services as inspection_services
from tests.factories import UserFactory
from tests.workflow.conftest import submit
from workflow import notifications, roles
from workflow.flows.filing import FilingFlow
from workflow.models import Notification, NotificationKind, NotificationSettings
from workflow.tasks import task_claim, task_reassign

pytestmark = pytest.mark.django_db
K = NotificationKind


def _kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def _review(draft, applicant):
    submit(draft, applicant)
    draft.refresh_from_db()
    return Task.objects.get(process_id=draft.process_id, flow_task=FilingFlow.review)


# What is notified


def test_claiming_a_task_tells_nobody(draft, applicant, clerk):
    task_claim(task_id=_review(draft, applicant).pk, actor=clerk)
    assert not Notification.objects.exists()


def test_reassignment_tells_the_new_and_the_previous_holder(draft, applicant, clerk, chief):
    task = _review(draft, applicant)
    task_claim(task_id=task.pk, actor=clerk)
    colleague = UserFactory(username="t-clerk-2", roles=[roles.CLERK])
    task_reassign(task_id=task.pk, actor=chief, to_user=colleague)
    assert _kinds(colleague) == [K.TASK_ASSIGNED]
    assert _kinds(clerk) == [K.TASK_REASSIGNED]
    assert _kinds(chief) == []
    gone = Notification.objects.get(recipient=clerk)
    assert gone.data["to"] == colleague.get_full_name()
    # Handed back: a new event, told again.
    task_reassign(task_id=task.pk, actor=chief, to_user=clerk)
    assert _kinds(clerk) == [K.TASK_ASSIGNED, K.TASK_REASSIGNED]
    assert _kinds(colleague) == [K.TASK_ASSIGNED, K.TASK_REASSIGNED]


def test_a_task_created_for_a_named_person_tells_them(draft, applicant, clerk, chief, inspectors):
    submit(draft, applicant)
    apply.application_accept(application=draft, actor=clerk)
    inspection_services.inspection_plan(application=draft, actor=chief, planned_date=timezone.localdate())
    inspection = draft.inspections.get()
    assigned = Notification.objects.get(recipient=inspection.leader, kind=K.TASK_ASSIGNED)
    assert assigned.data["step"] == "Site inspection"
    assert assigned.data["due_on"]
    assert assigned.url == reverse("tasks:detail", args=[assigned.data["task"]])
    others = inspection.members.exclude(pk=inspection.leader_id)
    assert not Notification.objects.filter(recipient__in=others, kind=K.TASK_ASSIGNED).exists()


def test_the_applicants_hear_of_return_and_acceptance(draft, applicant, clerk, organisation):
    colleague = UserFactory(username="t-applicant-2", roles=[roles.APPLICANT])
    organisation.members.add(colleague)
    submit(draft, applicant)
    apply.application_return(application=draft, actor=clerk, deficiencies=["缺少营业执照"])
    submit(draft, applicant)
    apply.application_accept(application=draft, actor=clerk)
    for user in (applicant, colleague):
        assert _kinds(user) == [K.APPLICATION_ACCEPTED, K.APPLICATION_RETURNED]
    returned = Notification.objects.get(recipient=applicant, kind=K.APPLICATION_RETURNED)
    assert returned.url == reverse("applications:detail", args=[draft.pk])
    # The resubmission goes back to the clerk who returned it: they are told the review is theirs again.
    assert _kinds(clerk) == [K.TASK_ASSIGNED]


def test_a_second_return_is_a_second_event(draft, applicant, clerk):
    for text in ["缺少章程", "章程未盖章"]:
        submit(draft, applicant)
        apply.application_return(application=draft, actor=clerk, deficiencies=[text])
    assert _kinds(applicant) == [K.APPLICATION_RETURNED, K.APPLICATION_RETURNED]


def test_the_applicants_hear_of_a_rejection(draft, applicant, clerk):
    submit(draft, applicant)
    apply.application_reject_ineligible(application=draft, actor=clerk, reasons="不属于备案范围")
    decided = Notification.objects.get(recipient=applicant)
    assert (decided.kind, decided.data["outcome"]) == (K.APPLICATION_DECIDED, notifications.REJECTED)
    with translation.override("en"):
        assert "has been rejected" in notifications.notification_text(decided)
    with translation.override("zh-hans"):
        assert "未通过" in notifications.notification_text(decided)


def test_the_same_event_notifies_once(applicant, draft):
    for _ in range(3):
        notifications.notify(recipients=[applicant], kind=K.APPLICATION_ACCEPTED, event_key="same", data={})
    assert Notification.objects.filter(recipient=applicant).count() == 1


def test_inactive_users_are_not_notified(applicant):
    applicant.is_active = False
    applicant.save(update_fields=["is_active"])
    assert notifications.notify(recipients=[applicant], kind=K.APPLICATION_ACCEPTED, event_key="x") == []


def test_rectification_orders_reach_the_bodys_members(applicant, organisation):
    # The attributes of cases.models.RectificationOrder that the function reads.
    case = SimpleNamespace(pk=7, number="京监2026000007", filing=SimpleNamespace(organisation=organisation))
    order = SimpleNamespace(case=case, round=1, deadline=date(2026, 12, 15))
    created = notifications.notify_rectification_ordered(order=order, url="/app/body/cases/7/")
    assert [n.recipient for n in created] == [applicant]
    assert created[0].data["due_on"] == "2026-12-15"
    assert notifications.notify_rectification_ordered(order=order) == []  # once per order


# E-mail


def test_email_is_sent_after_commit_in_the_recipients_language(
    draft, applicant, clerk, django_capture_on_commit_callbacks
):
    NotificationSettings.objects.create(user=applicant, language="en")
    organisation_colleague = UserFactory(username="t-applicant-zh", roles=[roles.APPLICANT])
    draft.organisation.members.add(organisation_colleague)
    submit(draft, applicant)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        apply.application_accept(application=draft, actor=clerk)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    by_address = {message.to[0]: message for message in mail.outbox}
    english, chinese = by_address[applicant.email], by_address[organisation_colleague.email]
    assert "has been accepted" in english.body and english.extra_headers["Content-Language"] == "en"
    assert chinese.extra_headers["Content-Language"] == "zh-hans"
    assert chinese.alternatives and "<html" in chinese.alternatives[0][0]
    assert reverse("applications:detail", args=[draft.pk]) in english.body
    assert Notification.objects.filter(email=Notification.Email.SENT).count() == 2


def test_the_email_speaks_chinese_where_the_catalogue_has_the_words(inspectors, draft, applicant):
    submit(draft, applicant)
    draft.refresh_from_db()
    task = Task.objects.get(process_id=draft.process_id, flow_task=FilingFlow.review)
    task.owner = inspectors[0]
    notification = notifications.notify_task_assigned(task=task, event="test")[0]
    zh = notifications.notification_email(notification)
    NotificationSettings.objects.create(user=inspectors[0], language="en")
    en = notifications.notification_email(notification)
    assert "受理审核" in zh.body and "Completeness review" not in zh.body
    assert "Completeness review" in en.body


def test_email_off_for_a_kind_keeps_the_bell(draft, applicant, clerk, django_capture_on_commit_callbacks):
    NotificationSettings.objects.create(user=applicant, email_off=[K.APPLICATION_ACCEPTED])
    submit(draft, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        apply.application_accept(application=draft, actor=clerk)
    accepted = Notification.objects.get(recipient=applicant, kind=K.APPLICATION_ACCEPTED)
    assert accepted.email == Notification.Email.NONE
    assert mail.outbox == []


def test_a_user_without_an_address_gets_no_email(draft, applicant, clerk, django_capture_on_commit_callbacks):
    applicant.email = ""
    applicant.save(update_fields=["email"])
    submit(draft, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        apply.application_accept(application=draft, actor=clerk)
    assert Notification.objects.get(recipient=applicant).email == Notification.Email.NONE


def test_the_email_job_sends_once_however_often_it_runs(applicant):
    [notification] = notifications.notify(recipients=[applicant], kind=K.APPLICATION_ACCEPTED, event_key="e")
    assert notifications.send_notification_email(notification.pk) is True
    assert notifications.send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_sends_nothing(draft, applicant, clerk, django_capture_on_commit_callbacks):
    submit(draft, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notifications.notify(recipients=[applicant], kind=K.APPLICATION_ACCEPTED, event_key="rolled-back")
                raise RuntimeError
    assert mail.outbox == [] and not Notification.objects.filter(event_key="rolled-back").exists()


# Pages


def test_the_bell_counts_unread_and_the_page_marks_read(client, applicant):
    for n in range(3):
        notifications.notify(recipients=[applicant], kind=K.APPLICATION_ACCEPTED, event_key=f"e{n}", url="/app/")
    client.force_login(applicant)
    start = client.get(reverse("workbench:index")).content.decode()
    assert 'data-testid="bell-count">3<' in start
    page = client.get(reverse("workbench:notifications")).content.decode()
    assert page.count("data-unread") == 3
    first = Notification.objects.filter(recipient=applicant).first()
    response = client.post(reverse("workbench:notification_open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/app/"
    assert 'data-testid="bell-count">2<' in client.get(reverse("workbench:index")).content.decode()
    client.post(reverse("workbench:notifications_mark_read"))
    assert 'data-testid="bell-count"' not in client.get(reverse("workbench:index")).content.decode()


def test_opening_is_post_only_and_only_ones_own(client, applicant, clerk):
    [notification] = notifications.notify(recipients=[applicant], kind=K.APPLICATION_ACCEPTED, event_key="mine")
    client.force_login(clerk)
    assert client.post(reverse("workbench:notification_open", args=[notification.pk])).status_code == 404
    client.force_login(applicant)
    assert client.get(reverse("workbench:notification_open", args=[notification.pk])).status_code == 405


def test_an_external_link_is_not_followed(client, applicant):
    [notification] = notifications.notify(
        recipients=[applicant], kind=K.APPLICATION_ACCEPTED, event_key="evil", url="https://evil.example/"
    )
    client.force_login(applicant)
    response = client.post(reverse("workbench:notification_open", args=[notification.pk]))
    assert response["Location"] == reverse("workbench:notifications")


def test_anonymous_users_are_sent_to_login(client):
    for name in ["workbench:notifications", "workbench:notification_settings"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_settings_page_switches_email_per_kind_and_the_language(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("workbench:notification_settings")).status_code == 200
    wanted = [kind for kind in K.values if kind != K.DEADLINE_APPROACHING]
    response = client.post(reverse("workbench:notification_settings"), {"language": "en", "email_kinds": wanted})
    assert response.status_code == 302
    row = NotificationSettings.objects.get(user=applicant)
    assert row.language == "en" and row.email_off == [K.DEADLINE_APPROACHING]
    assert not row.wants_email(K.DEADLINE_APPROACHING) and row.wants_email(K.TASK_ASSIGNED)


def test_the_notification_list_uses_constant_queries(client, applicant, django_assert_max_num_queries):
    for size in (3, 25):
        Notification.objects.all().delete()
        for n in range(size):
            notifications.notify(recipients=[applicant], kind=K.APPLICATION_ACCEPTED, event_key=f"n{n}", data={})
        client.force_login(applicant)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("workbench:notifications"))
        assert response.content.decode().count("data-notification=") == size
