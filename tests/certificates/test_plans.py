"""Assessment plans: only within the body's active, unsuspended scope, by the body's own members; the form offers
nothing else."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditEvent
from cases.certificates.forms import AssessmentPlanForm
from cases.certificates.services import plans as plans_services
from cases.models import AssessmentPlan, Filing, FilingScope, Organisation, RosterMember
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


# The form offers only what the body may certify today


def _form(organisation, data=None):
    return AssessmentPlanForm(data, organisations=Organisation.objects.filter(pk=organisation.pk))


def _post_data(filing, scope, level):
    application = filing.application
    examiner = application.roster.filter(role=RosterMember.Role.EXAMINER, occupation=scope.occupation).first()
    return {
        "scope": scope.pk,
        "level": level,
        "assessment_date": timezone.localdate().isoformat(),
        "venue": application.venues.first().pk,
        "expected_candidates": 10,
        "examiners": [examiner.pk] if examiner else [],
        "internal_supervisor": application.roster.get(role=RosterMember.Role.SUPERVISOR).pk,
    }


def test_the_form_offers_the_active_unsuspended_scope_and_its_levels_only(
    filing, applicant, organisation, occupation, other_occupation
):
    suspended = FilingScope.objects.create(
        filing=filing, occupation=other_occupation, levels=[1, 2], methods=["process"], suspended=True
    )
    form = _form(organisation)
    assert list(form.fields["scope"].queryset) == [filing.scope.get(occupation=occupation)]
    assert suspended not in form.fields["scope"].queryset
    assert [value for value, _label in form.fields["level"].choices] == ["", 3, 4, 5]
    html = str(form["level"])
    assert 'value="1"' not in html and 'value="2"' not in html


def test_nothing_outside_the_scope_is_chosen_in_advance(filing, organisation, occupation, other_occupation):
    FilingScope.objects.create(filing=filing, occupation=other_occupation, levels=[2], methods=["process"])
    form = _form(organisation)
    assert form.fields["level"].initial is None and form.fields["scope"].initial is None
    level = str(form["level"])
    assert '<option value="" selected>---------</option>' in level and level.count("selected") == 1

    filing.scope.filter(occupation=other_occupation).delete()
    filing.scope.update(levels=[4])
    only = _form(organisation)  # one occupation at one level: that is the choice, and it is inside the scope
    assert only.fields["scope"].initial == filing.scope.get().pk and only.fields["level"].initial == 4


@pytest.mark.parametrize("status", [Filing.Status.SUSPENDED, Filing.Status.REVOKED, Filing.Status.EXPIRED])
def test_a_filing_that_may_not_certify_offers_nothing(filing, organisation, status):
    Filing.objects.filter(pk=filing.pk).update(status=status)
    form = _form(organisation)
    assert not form.fields["scope"].queryset.exists() and form.fields["level"].choices == [("", "---------")]


def test_a_filing_past_its_validity_offers_nothing(filing, organisation):
    Filing.objects.filter(pk=filing.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    assert not _form(organisation).fields["scope"].queryset.exists()


def test_a_level_the_chosen_occupation_is_not_filed_for_is_a_form_error(
    filing, organisation, occupation, other_occupation
):
    FilingScope.objects.create(filing=filing, occupation=other_occupation, levels=[2], methods=["process"])
    welder = filing.scope.get(occupation=occupation)
    form = _form(organisation, _post_data(filing, welder, 2))
    assert not form.is_valid() and list(form.errors) == ["level"]
    assert "焊工" in form.errors["level"][0] or occupation.name in form.errors["level"][0]
    assert _form(organisation, _post_data(filing, welder, 4)).is_valid()


def test_a_suspended_occupation_posted_anyway_is_refused_on_the_page(client, filing, applicant):
    scope = filing.scope.get()
    data = _post_data(filing, scope, 4)
    scope.suspended = True
    scope.save(update_fields=["suspended"])
    client.force_login(applicant)
    response = client.post(reverse("certificates:plan_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["scope"]
    assert not AssessmentPlan.objects.exists()
    assert 'data-testid="no-scope"' in response.content.decode()  # nothing left to plan for


def test_the_plan_page_lists_the_certifiable_scope_and_records_a_plan(client, filing, applicant):
    scope = filing.scope.get()
    client.force_login(applicant)
    page = client.get(reverse("certificates:plan_create"))
    assert page.status_code == 200 and f'value="{scope.pk}"' in page.content.decode()
    assert 'data-testid="no-scope"' not in page.content.decode()
    response = client.post(reverse("certificates:plan_create"), _post_data(filing, scope, 4))
    plan = AssessmentPlan.objects.get()
    assert response.status_code == 302 and (plan.occupation, plan.level) == (scope.occupation, 4)
