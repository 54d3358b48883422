import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.test import RequestFactory

from cases.common.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo
from cases.models import Occupation, Organisation
from workflow import roles

pytestmark = pytest.mark.django_db


def test_migration_creates_every_role_group_with_its_permissions():
    for role, perms in roles.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert set(perms) <= granted, role


def test_seed_demo_is_idempotent_and_users_can_sign_in(client):
    seed_demo()
    counts = (Organisation.objects.count(), Occupation.objects.count())
    seed_demo()
    assert (Organisation.objects.count(), Occupation.objects.count()) == counts
    assert Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).exists()
    assert Organisation.objects.filter(kind=Organisation.Kind.SOCIAL).exists()
    for username, (role, _last, _first) in DEMO_USERS.items():
        # Through the sign-in backends as the login page calls them (django-axes needs the request).
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=username, password=DEMO_PASSWORD) is not None, username
        assert roles.has_role(_user(username), role)


def test_demo_pools_are_large_enough_for_random_draws():
    seed_demo()
    assert Group.objects.get(name=roles.INSPECTOR).user_set.count() >= 5
    assert Group.objects.get(name=roles.EXPERT).user_set.count() >= 7


def _user(username):
    from django.contrib.auth.models import User

    return User.objects.get(username=username)
