"""Password policy (MLPS): 10 characters, letters and digits, none of the last 5, change forced after an admin."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from audits.models import AuditEvent
from cases.models import AccountSecurity, PasswordHistory
from tests.accounts.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["Short42a", "abcdefghijkl", "1234567890123", "password123"])
def test_weak_passwords_are_refused(password, applicant_user):
    with pytest.raises(ValidationError):
        validate_password(password, applicant_user)


def test_a_good_password_passes(applicant_user):
    validate_password("Qingdao-Harbour-2026", applicant_user)


def test_none_of_the_last_five_passwords_comes_back(applicant_user):
    passwords = [f"Blue-River-{n}x7q" for n in range(6)]
    for password in passwords:
        applicant_user.set_password(password)
        applicant_user.save()
    assert PasswordHistory.objects.filter(user=applicant_user).count() == 5
    for recent in passwords[1:]:
        with pytest.raises(ValidationError, match="最近 5 次"):
            validate_password(recent, applicant_user)
    validate_password(passwords[0], applicant_user)  # the sixth-last may return


def test_changing_the_password_through_the_page_checks_the_history(client, applicant_user):
    sign_in(client, applicant_user.username)
    url = reverse("password_change")
    data = {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}
    assert client.post(url, data).status_code == 200  # re-shown with the error
    data.update(new_password1="Lanzhou-Noodle-88", new_password2="Lanzhou-Noodle-88")
    assert client.post(url, data).status_code == 302
    assert client.get("/app/workbench/").status_code == 200  # still signed in
    assert AuditEvent.objects.filter(action="auth.password_changed", actor=applicant_user).exists()


def test_a_password_set_by_an_admin_must_be_changed_at_the_next_sign_in(client, applicant_user, settings):
    from tests.factories import UserFactory

    settings.TWO_FACTOR_REQUIRED = False
    admin = UserFactory(username="t-superuser", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:auth_user_password_change", args=[applicant_user.pk])
    response = client.post(
        url, {"password1": "Temporary-Pass-1", "password2": "Temporary-Pass-1", "usable_password": "true"}
    )
    assert response.status_code == 302
    assert AccountSecurity.objects.get(user=applicant_user).must_change_password
    assert AuditEvent.objects.filter(action="auth.password_set_by_admin", actor=admin).exists()
    client.logout()

    sign_in(client, applicant_user.username, "Temporary-Pass-1")
    response = client.get("/app/workbench/")
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    data = {
        "old_password": "Temporary-Pass-1",
        "new_password1": "My-Own-Choice-77",
        "new_password2": "My-Own-Choice-77",
    }
    assert client.post(reverse("password_change"), data).status_code == 302
    assert client.get("/app/workbench/").status_code == 200
    assert not AccountSecurity.objects.get(user=applicant_user).must_change_password
