"""Assessment plans: only within the body's active, unsuspended scope, by the body's own members."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audits.models import AuditEvent
from cases.certificates.services import plans as plans_services
from cases.models import Filing, Organisation, RosterMember
from tests.certificates.conftest import make_filing, make_plan
from workflow.calendar import add_working_days

pytestmark = pytest.mark.django_db


def test_a_plan_within_scope_is_recorded_with_its_results_deadline(filing, applicant):
    plan = make_plan(filing, applicant, level=4)
    assert plan.number.startswith("京技认计")
    assert plan.organisation == filing.organisation and plan.level == 4
    assert plan.results_due == add_working_days(plan.assessment_date, 10)
    assert AuditEvent.objects.filter(action="assessment_plan.created", object_id=str(plan.pk)).exists()


def test_a_social_organisation_reports_within_five_working_days(applicant, organisation, occupation):
    Organisation.objects.filter(pk=organisation.pk).update(kind=Organisation.Kind.SOCIAL)
    organisation.refresh_from_db()
    filing = make_filing(organisation=organisation, applicant=applicant, occupation=occupation)
    plan = make_plan(filing, applicant)
    assert plan.results_due == add_working_days(plan.assessment_date, 5)


def test_a_suspended_occupation_blocks_the_plan_with_a_clear_message(filing, applicant):
    filing.scope.update(suspended=True)
    with pytest.raises(ValidationError, match="suspended"):
        make_plan(filing, applicant)


@pytest.mark.parametrize("status", [Filing.Status.SUSPENDED, Filing.Status.REVOKED, Filing.Status.EXPIRED])
def test_a_filing_that_is_not_active_blocks_the_plan(filing, applicant, status):
    Filing.objects.filter(pk=filing.pk).update(status=status)
    filing.refresh_from_db()
    with pytest.raises(ValidationError, match=filing.number):
        make_plan(filing, applicant)


def test_a_filing_past_its_validity_blocks_the_plan(filing, applicant):
    Filing.objects.filter(pk=filing.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    filing.refresh_from_db()
    with pytest.raises(ValidationError):
        make_plan(filing, applicant)


def test_a_level_outside_the_filed_levels_is_refused(filing, applicant):
    with pytest.raises(ValidationError, match="not in the filed scope"):
        make_plan(filing, applicant, level=1)


def test_the_date_cannot_be_in_the_past(filing, applicant):
    with pytest.raises(ValidationError, match="past"):
        make_plan(filing, applicant, day=timezone.localdate() - timedelta(days=1))


def test_examiners_must_be_filed_for_the_occupation(filing, applicant, other_occupation):
    stranger = RosterMember.objects.create(
        application=filing.application,
        role=RosterMember.Role.EXAMINER,
        name="外行",
        id_number="x",
        occupation=other_occupation,
    )
    scope = filing.scope.get()
    with pytest.raises(ValidationError, match="外行"):
        plans_services.assessment_plan_create(
            actor=applicant,
            scope=scope,
            level=4,
            assessment_date=timezone.localdate(),
            venue=filing.application.venues.first(),
            expected_candidates=5,
            examiners=[stranger],
            internal_supervisor=filing.application.roster.get(role=RosterMember.Role.SUPERVISOR),
        )


def test_only_the_bodys_own_members_may_plan(filing, other_body, reviewer):
    _organisation, stranger = other_body
    for actor in (stranger, reviewer):
        with pytest.raises(PermissionDenied):
            make_plan(filing, actor)
