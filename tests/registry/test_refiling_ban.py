"""A revoked body may not file again for two years: the application's pre-submission check says so."""

import random
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.applications import services as applications
from cases.applications.simulation import complete_draft
from cases.models import ApplicationState
from cases.registry import services as registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def revoked(filing, supervisor):
    return registry.filing_revoke(filing=filing, actor=supervisor, reason="出具虚假证书")


def test_a_banned_organisation_cannot_open_a_new_application(revoked, applicant, organisation):
    with pytest.raises(ValidationError) as error:
        applications.application_create(organisation=organisation, actor=applicant)
    assert revoked.banned_until.isoformat() in " ".join(error.value.messages)


def test_a_draft_begun_before_revocation_cannot_be_submitted(filing, supervisor, applicant, organisation, occupations):
    draft = complete_draft(
        applicant=applicant, organisation=organisation, occupation=occupations[0], rng=random.Random(5)
    )
    revoked = registry.filing_revoke(filing=filing, actor=supervisor, reason="出具虚假证书")
    draft.refresh_from_db()
    problems = applications.application_problems(draft)
    assert len(problems) == 1 and revoked.number in problems[0] and revoked.banned_until.isoformat() in problems[0]
    with pytest.raises(ValidationError):
        applications.application_submit(application=draft, actor=applicant)
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT


def test_the_ban_shows_on_the_draft_page(client, filing, supervisor, applicant, organisation):
    draft = applications.application_create(organisation=organisation, actor=applicant)
    revoked = registry.filing_revoke(filing=filing, actor=supervisor, reason="出具虚假证书")
    client.force_login(applicant)
    page = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert revoked.number in page and revoked.banned_until.isoformat() in page


def test_the_ban_ends_after_two_years(revoked, organisation):
    from cases.registry.selectors import refiling_ban_of

    assert refiling_ban_of(organisation=organisation, today=revoked.banned_until - timedelta(days=1)) == revoked
    assert refiling_ban_of(organisation=organisation, today=revoked.banned_until) is None


def test_suspension_is_no_ban(filing, supervisor, applicant, organisation, occupations):
    registry.filing_suspend(filing=filing, actor=supervisor, reason="暂停")
    draft = complete_draft(
        applicant=applicant, organisation=organisation, occupation=occupations[0], rng=random.Random(6)
    )
    draft.refresh_from_db()
    assert applications.application_problems(draft) == []
