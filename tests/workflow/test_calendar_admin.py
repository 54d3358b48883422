from datetime import date

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from workflow.models import CalendarOverride, StepLimit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_user(client):
    user = UserFactory(username="t-superuser", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client, user


def test_admin_lists_overrides_and_step_limits(admin_client_user):
    client, _user = admin_client_user
    CalendarOverride.objects.create(date=date(2027, 2, 20), kind="workday", reason="State Council notice")
    assert client.get(reverse("admin:workflow_calendaroverride_changelist")).status_code == 200
    assert client.get(reverse("admin:workflow_steplimit_changelist")).status_code == 200


def test_adding_an_override_in_the_admin_records_who_did_it(admin_client_user):
    client, user = admin_client_user
    response = client.post(
        reverse("admin:workflow_calendaroverride_add"),
        {"date": "2026-03-04", "kind": "holiday", "reason": "Office closed (relocation)"},
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get(date=date(2026, 3, 4))
    assert override.created_by == user
    assert not override.is_working_day


def test_a_step_limit_must_be_at_least_one_working_day(admin_client_user):
    client, _user = admin_client_user
    limit = StepLimit.objects.get(code="review")
    url = reverse("admin:workflow_steplimit_change", args=[limit.pk])
    assert client.post(url, {"working_days": "0"}).status_code == 200  # form redisplayed with the error
    assert client.post(url, {"working_days": "7"}).status_code == 302
    limit.refresh_from_db()
    assert (limit.code, limit.working_days) == ("review", 7)
