"""An organisation's application: within the window, the filing draft's sections limited to the call, the declared
facts, and the eligibility check naming every failed condition before submission."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from viewflow.workflow.models import Task

from cases.models import Filing, Organisation, ScopeItem, SelectionEntry
from cases.models import SelectionState as S
from cases.selection.eligibility import conditions, selection_problems
from cases.selection.forms import CallScopeItemForm
from cases.selection.services import applications as apply
from cases.selection.services import calls
from tests.factories import OrganisationFactory, UserFactory
from tests.selection.conftest import applied, make_call, social_applicant
from workflow import roles
from workflow.flows.selection import SelectionFlow

pytestmark = pytest.mark.django_db


def _upcoming_call(chief, occupations):
    opens = timezone.localdate() + timedelta(days=3)
    call = make_call(chief, occupations, opens=opens, closes=opens + timedelta(days=7), publish=False)
    calls.call_publish(call=call, actor=chief)
    return call


def test_before_the_window_the_application_is_prepared_but_not_submitted(chief, occupations):
    call = _upcoming_call(chief, occupations)
    application, user = applied(call, occupations[0], submit=False)
    today = timezone.localdate()
    problems = selection_problems(application, today)
    assert problems == [
        f"Applications to {call.number} open on {call.window_opens.isoformat()}; they cannot be submitted before."
    ]
    with pytest.raises(ValidationError, match="open on"):
        apply.selection_submit(application=application, actor=user)
    apply.selection_submit(application=application, actor=user, today=call.window_opens)
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_after_the_window_an_application_is_refused_with_the_date(chief, occupations):
    call = make_call(chief, occupations)
    late, user = applied(call, occupations[0], submit=False)
    with pytest.raises(ValidationError) as error:
        apply.selection_submit(application=late, actor=user)
    assert f"closed on {call.window_closes.isoformat()}" in error.value.messages[0]
    _user, organisation = social_applicant()
    with pytest.raises(ValidationError, match=f"closed on {call.window_closes.isoformat()}"):
        apply.selection_application_create(call=call, organisation=organisation, actor=_user)


def test_the_check_names_every_failed_condition(chief, occupations):
    call = make_call(chief, occupations, min_examiners=2, min_venues=2, min_capacity=500)
    application, user = applied(call, occupations[0], submit=False, examiners=1, capacity=200, established_years=1)
    apply.facts_declare(
        application=application,
        actor=user,
        established_on=application.established_on,
        good_credit=False,
        clean_record=False,
        truthful=False,
    )
    application.refresh_from_db()
    problems = selection_problems(application, call.window_opens)
    text = "\n".join(problems)
    for expected in (
        "the call requires at least 3 years",
        "yearly capacity 200 person-times; the call requires at least 500",
        "1 qualified examiners",
        "Venues: 1 declared; the call requires at least 2",
        "no sanction or revocation in the last 3 years",
        "not on any list of seriously dishonest entities",
        "commit that the declared facts and materials are true",
    ):
        assert expected in text, expected
    assert len(problems) == 7
    with pytest.raises(ValidationError) as error:
        apply.selection_submit(application=application, actor=user, today=call.window_opens)
    assert error.value.messages == problems


def test_the_filing_sections_are_checked_too(chief, occupations):
    call = make_call(chief, occupations)
    user, organisation = social_applicant()
    application = apply.selection_application_create(
        call=call, organisation=organisation, actor=user, today=call.window_opens
    )
    problems = selection_problems(application, call.window_opens)
    assert "Scope: add at least one occupation." in problems
    assert "Venues: add at least one assessment venue." in problems
    assert "Scope: apply for at least one occupation and level the call wants." in " ".join(problems)


def test_a_revocation_in_the_period_fails_the_record_condition(chief, occupations, applicant):
    call = make_call(chief, occupations)
    application, user = applied(call, occupations[0], submit=False)
    from cases.models import FilingApplication

    old = FilingApplication.objects.create(number="X-1", organisation=application.organisation, created_by=user)
    filing = Filing.objects.create(
        number="京技备X",
        organisation=application.organisation,
        application=old,
        valid_from=call.window_opens - timedelta(days=400),
        valid_until=call.window_opens + timedelta(days=400),
        registered_by=user,
    )
    Filing.objects.filter(pk=filing.pk).update(
        status="revoked", status_changed_on=call.window_opens - timedelta(days=100)
    )
    row = next(c for c in conditions(application, call.window_opens) if "sanction" in c.label)
    assert not row.met and "京技备X revoked on" in row.detail


def test_the_scope_form_offers_only_the_calls_occupations_and_levels(chief, occupations):
    call = make_call(chief, occupations[:1])
    application, _user = applied(call, occupations[0], submit=False)
    form = CallScopeItemForm(application=application.filing, call=call)
    assert list(form.fields["occupation"].queryset) == [occupations[0]]
    assert [value for value, _label in form.fields["levels"].choices] == [4]
    bound = CallScopeItemForm(
        {
            "occupation": occupations[1].pk,
            "levels": [4],
            "methods": ["process"],
            "standard": "national",
            "yearly_capacity": 100,
        },
        application=application.filing,
        call=call,
    )
    assert not bound.is_valid() and "occupation" in bound.errors


def test_a_scope_outside_the_call_is_named(chief, occupations):
    call = make_call(chief, occupations[:1])
    application, user = applied(call, occupations[0], submit=False)
    ScopeItem.objects.filter(application=application.filing).update(levels=[4, 3])
    problems = selection_problems(application, call.window_opens)
    assert any("the call does not include Level 3" in problem for problem in problems)


def test_only_social_organisations_apply_and_once_per_call(chief, occupations):
    call = make_call(chief, occupations)
    enterprise_user = UserFactory(username="t-ent", roles=[roles.APPLICANT])
    enterprise = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, members=[enterprise_user])
    with pytest.raises(ValidationError, match="Only social training evaluation organisations"):
        apply.selection_application_create(
            call=call, organisation=enterprise, actor=enterprise_user, today=call.window_opens
        )
    application, user = applied(call, occupations[0], submit=False)
    with pytest.raises(ValidationError, match="already has an application"):
        apply.selection_application_create(
            call=call, organisation=application.organisation, actor=user, today=call.window_opens
        )


def test_someone_else_cannot_apply_for_an_organisation(chief, occupations, applicant):
    call = make_call(chief, occupations)
    _user, organisation = social_applicant()
    with pytest.raises(PermissionDenied):
        apply.selection_application_create(
            call=call, organisation=organisation, actor=applicant, today=call.window_opens
        )


def test_submission_enters_the_lots_and_starts_the_flow_waiting_for_the_window(chief, occupations):
    call = make_call(chief, occupations)
    application, user = applied(call, occupations[0])
    assert application.state == S.SUBMITTED and application.sections_digest
    assert list(SelectionEntry.objects.filter(application=application).values_list("lot__occupation", flat=True)) == [
        occupations[0].pk
    ]
    assert Task.objects.filter(process_id=application.process_id, flow_task=SelectionFlow.window).exists()
    with pytest.raises(ValidationError, match="before it is submitted"):
        apply.facts_declare(
            application=application, actor=user, established_on=None, good_credit=True, clean_record=True, truthful=True
        )


def test_a_submitted_application_is_withdrawn_until_the_window_closes(chief, occupations):
    call = make_call(chief, occupations)
    application, user = applied(call, occupations[0])
    with pytest.raises(ValidationError, match="until the call's window closes"):
        apply.selection_withdraw(application=application, actor=user)
    apply.selection_withdraw(application=application, actor=user, today=call.window_closes)
    application.refresh_from_db()
    assert application.state == S.WITHDRAWN and application.filing.state == "withdrawn"
    assert application.process.status == "CANCELED"
    assert not application.entries.exists()


def test_only_members_change_an_application(chief, occupations, applicant):
    call = make_call(chief, occupations)
    application, _user = applied(call, occupations[0], submit=False)
    with pytest.raises(PermissionDenied):
        apply.populations_update(application=application, actor=applicant, target_populations=["own_staff"])
