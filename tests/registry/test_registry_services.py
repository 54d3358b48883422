"""Every status change of the registry: allowed, wrong state, wrong role; each with history and audit."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from audits.models import AuditEvent
from cases.models import Filing, FilingStatusChange
from cases.registry import services as registry
from cases.registry.selectors import refiling_ban_of

pytestmark = pytest.mark.django_db
S = Filing.Status


def _events(filing, action):
    return AuditEvent.objects.filter(object_type="cases.filing", object_id=str(filing.pk), action=action)


def test_suspending_a_body_records_history_with_reason_and_audit(filing, supervisor):
    registry.filing_suspend(filing=filing, actor=supervisor, reason="考评记录造假")
    filing.refresh_from_db()
    assert filing.status == S.SUSPENDED and filing.status_changed_on == timezone.localdate()
    change = filing.status_changes.get()
    assert (change.event, change.from_status, change.to_status, change.reason) == (
        "suspended",
        "active",
        "suspended",
        "考评记录造假",
    )
    event = _events(filing, "filing.suspend").get()
    assert (event.from_state, event.to_state, event.public) == ("active", "suspended", True)


def test_suspending_a_suspended_body_says_since_when(filing, supervisor):
    registry.filing_suspend(filing=filing, actor=supervisor, reason="一")
    with translation.override("en"), pytest.raises(ValidationError, match="already suspended"):
        registry.filing_suspend(filing=filing, actor=supervisor, reason="二")
    assert FilingStatusChange.objects.count() == 1


def test_a_reason_is_required(filing, supervisor):
    with pytest.raises(ValidationError):
        registry.filing_suspend(filing=filing, actor=supervisor, reason="  ")
    filing.refresh_from_db()
    assert filing.status == S.ACTIVE


def test_wrong_role_cannot_change_the_registry(filing, clerk, applicant):
    for actor in (clerk, applicant):
        with pytest.raises(PermissionDenied):
            registry.filing_suspend(filing=filing, actor=actor, reason="x")
        with pytest.raises(PermissionDenied):
            registry.filing_revoke(filing=filing, actor=actor, reason="x")
    filing.refresh_from_db()
    assert filing.status == S.ACTIVE


def test_reinstating_lifts_a_suspension_and_only_a_suspension(filing, supervisor):
    with translation.override("en"), pytest.raises(ValidationError, match="not suspended"):
        registry.filing_reinstate(filing=filing, actor=supervisor, reason="x")
    registry.filing_suspend(filing=filing, actor=supervisor, reason="问题")
    registry.filing_reinstate(filing=filing, actor=supervisor, reason="整改到位")
    filing.refresh_from_db()
    assert filing.status == S.ACTIVE
    assert [c.event for c in filing.status_changes.order_by("id")] == ["suspended", "reinstated"]


def test_revocation_sets_a_two_year_ban(filing, supervisor, organisation):
    today = timezone.localdate()
    registry.filing_revoke(filing=filing, actor=supervisor, reason="严重违规", today=today)
    filing.refresh_from_db()
    assert filing.status == S.REVOKED
    assert filing.banned_until == today.replace(year=today.year + 2)
    assert refiling_ban_of(organisation=organisation, today=today) == filing
    assert refiling_ban_of(organisation=organisation, today=filing.banned_until) is None


def test_a_suspended_body_can_be_revoked(filing, supervisor):
    registry.filing_suspend(filing=filing, actor=supervisor, reason="一")
    registry.filing_revoke(filing=filing, actor=supervisor, reason="二")
    filing.refresh_from_db()
    assert filing.status == S.REVOKED


def test_nothing_more_can_be_done_to_a_revoked_body_and_the_message_gives_the_date(filing, supervisor):
    registry.filing_revoke(filing=filing, actor=supervisor, reason="严重违规")
    date = timezone.localdate().isoformat()
    for change in (registry.filing_revoke, registry.filing_suspend, registry.filing_withdraw):
        with pytest.raises(ValidationError) as error:
            change(filing=filing, actor=supervisor, reason="再次")
        assert date in error.value.messages[0]
    with pytest.raises(ValidationError):
        registry.filing_scope_suspend(filing=filing, scopes=filing.scope.all(), actor=supervisor, reason="x")


def test_withdrawal_is_final(filing, supervisor):
    registry.filing_withdraw(filing=filing, actor=supervisor, reason="本单位申请注销")
    filing.refresh_from_db()
    assert filing.status == S.WITHDRAWN
    with pytest.raises(ValidationError):
        registry.filing_reinstate(filing=filing, actor=supervisor, reason="x")


def test_expiry_only_after_the_validity_period(filing):
    with pytest.raises(ValidationError):
        registry.filing_expire(filing=filing)
    registry.filing_expire(filing=filing, today=filing.valid_until + timedelta(days=1))
    filing.refresh_from_db()
    assert filing.status == S.EXPIRED
    assert filing.status_changes.get().decided_by is None


def test_status_on_reads_expired_before_the_sweep(filing):
    assert filing.status_on(filing.valid_until) == S.ACTIVE
    assert filing.status_on(filing.valid_until + timedelta(days=1)) == S.EXPIRED
    assert filing.certifiable_scope(filing.valid_until + timedelta(days=1)) == []


def test_one_occupation_can_be_suspended_and_the_rest_stays_certifiable(filing, supervisor):
    welder, electrician = filing.scope.order_by("occupation__code")
    registry.filing_scope_suspend(filing=filing, scopes=[welder], actor=supervisor, reason="焊工考核不规范")
    filing = Filing.objects.prefetch_related("scope").get(pk=filing.pk)
    assert filing.status == S.ACTIVE
    assert [row.pk for row in filing.certifiable_scope(timezone.localdate())] == [electrician.pk]
    change = filing.status_changes.get()
    assert change.event == "scope_suspended" and change.scope_id == welder.pk


def test_suspending_a_suspended_occupation_is_refused(filing, supervisor):
    welder = filing.scope.first()
    registry.filing_scope_suspend(filing=filing, scopes=[welder], actor=supervisor, reason="一")
    with pytest.raises(ValidationError, match=welder.occupation.name):
        registry.filing_scope_suspend(filing=filing, scopes=[welder], actor=supervisor, reason="二")


def test_a_scope_row_of_another_body_is_refused(filing, supervisor, occupations):
    from tests.registry.helpers import make_filing

    other = make_filing(occupations=occupations[:1])
    with pytest.raises(ValidationError):
        registry.filing_scope_suspend(filing=filing, scopes=list(other.scope.all()), actor=supervisor, reason="x")


def test_scope_reinstatement(filing, supervisor):
    welder = filing.scope.first()
    with pytest.raises(ValidationError):
        registry.filing_scope_reinstate(scope=welder, actor=supervisor, reason="x")
    registry.filing_scope_suspend(filing=filing, scopes=[welder], actor=supervisor, reason="一")
    registry.filing_scope_reinstate(scope=welder, actor=supervisor, reason="整改到位")
    welder.refresh_from_db()
    assert not welder.suspended and welder.suspended_on is None


def test_assessment_held_never_moves_back(filing):
    today = timezone.localdate()
    registry.filing_assessment_held(filing=filing, held_on=today)
    registry.filing_assessment_held(filing=filing, held_on=today - timedelta(days=10))
    filing.refresh_from_db()
    assert filing.last_assessment_on == today
