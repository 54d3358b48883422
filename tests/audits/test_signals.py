import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse

from audits.context import bound_context, context_from_request
from audits.models import AuditEvent
from tests.factories import UserFactory
from workflow import roles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("audit_middleware")]


def test_sign_in_and_sign_out_are_recorded_with_the_client_ip(client, clerk):
    client.post(reverse("login"), {"username": clerk.username, "password": "pw-for-tests"})
    client.post(reverse("logout"))
    events = AuditEvent.objects.filter(action__startswith="auth.").order_by("id")
    assert [(e.action, e.actor, e.object_id, e.ip) for e in events] == [
        ("auth.login", clerk, str(clerk.pk), "127.0.0.1"),
        ("auth.logout", clerk, str(clerk.pk), "127.0.0.1"),
    ]


def test_failed_sign_in_keeps_the_user_name_and_never_the_password(client, clerk):
    client.post(reverse("login"), {"username": clerk.username, "password": "Secret-Guess-1"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None and event.ip == "127.0.0.1"
    assert event.data == {"username": clerk.username}
    assert "Secret-Guess-1" not in json.dumps(event.data) and "*****" not in json.dumps(event.data)


def test_logging_out_when_not_signed_in_records_nothing(client):
    client.post(reverse("logout"))
    assert not AuditEvent.objects.filter(action="auth.logout").exists()


def _as(user):
    request = RequestFactory().post("/admin/", REMOTE_ADDR="10.0.0.5")
    request.user = user
    return bound_context(context_from_request(request))


def _last(action):
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


def test_group_membership_changes_are_recorded_from_both_sides(outsider):
    admin = UserFactory(username="t-admin", is_superuser=True)
    approver = Group.objects.get(name=roles.APPROVER)
    with _as(admin):
        outsider.groups.add(approver)
        granted = _last("permission.granted")
        approver.user_set.remove(outsider)
        revoked = _last("permission.revoked")
    assert (granted.actor, granted.object_id, granted.data, granted.ip) == (
        admin,
        str(outsider.pk),
        {"groups": [roles.APPROVER]},
        "10.0.0.5",
    )
    assert (revoked.object_type, revoked.object_id, revoked.data) == (
        "auth.user",
        str(outsider.pk),
        {"groups": [roles.APPROVER]},
    )


def test_clearing_groups_records_every_group_removed(outsider):
    outsider.groups.add(Group.objects.get(name=roles.CLERK), Group.objects.get(name=roles.CHIEF))
    outsider.groups.clear()
    assert _last("permission.revoked").data == {"groups": sorted([roles.CHIEF, roles.CLERK])}
    assert _last("permission.revoked").actor is None  # no request: the system did it


def test_direct_and_group_permission_grants_are_recorded(outsider):
    permission = Permission.objects.get(content_type__app_label="audits", codename="view_auditevent")
    outsider.user_permissions.add(permission)
    assert _last("permission.granted").data == {"permissions": ["audits.view_auditevent"]}
    group = Group.objects.create(name="temporary")
    group.permissions.add(permission)
    event = _last("permission.granted")
    assert (event.object_type, event.object_id, event.data) == (
        "auth.group",
        str(group.pk),
        {"permissions": ["audits.view_auditevent"]},
    )
