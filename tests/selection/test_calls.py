"""Calls: the bureau drafts, publishes and amends them (before the window opens, with the change history)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audits.models import AuditEvent
from cases.models import GeneratedDocument, SelectionRubric
from cases.selection.services import calls
from tests.selection.conftest import make_call

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def test_the_chief_drafts_and_publishes_a_call_with_its_document(chief, occupations):
    call = make_call(chief, occupations, opens=_today() + timedelta(days=3), publish=False)
    assert call.state == "draft" and call.number.startswith("京技遴")
    calls.call_publish(call=call, actor=chief)
    call.refresh_from_db()
    assert call.state == "published" and call.published_by == chief
    document = GeneratedDocument.objects.get(kind="selection_call", object_id=str(call.pk))
    assert document.title == "遴选公告" and document.number.startswith("京人社技遴告字")
    assert AuditEvent.objects.filter(action="selectioncall.publish", object_id=str(call.pk)).exists()


def test_a_call_without_lots_or_with_a_past_window_is_not_published(chief, occupations):
    call = make_call(chief, [], opens=_today() - timedelta(days=1), publish=False)
    with pytest.raises(ValidationError) as error:
        calls.call_publish(call=call, actor=chief)
    messages = " ".join(error.value.messages)
    assert "at least one occupation" in messages and "in the past" in messages


def test_only_the_chief_or_the_administrator_manages_calls(clerk, approver, occupations, rubric):
    for user in (clerk, approver):
        with pytest.raises(PermissionDenied):
            calls.call_create(
                actor=user,
                title="x",
                window_opens=_today(),
                window_closes=_today(),
                rubric=rubric,
                tie_rule="submitted",
            )


def test_a_window_closing_before_it_opens_is_refused(chief, rubric):
    with pytest.raises(ValidationError, match="cannot close before it opens"):
        calls.call_create(
            actor=chief,
            title="x",
            window_opens=_today() + timedelta(days=5),
            window_closes=_today() + timedelta(days=1),
            rubric=rubric,
            tie_rule="submitted",
        )


def test_the_tie_rule_names_a_criterion_of_the_rubric(chief, rubric):
    with pytest.raises(ValidationError, match="has no criterion X9"):
        calls.call_create(
            actor=chief,
            title="x",
            window_opens=_today(),
            window_closes=_today(),
            rubric=rubric,
            tie_rule="criterion",
            tie_criterion="X9",
        )


def test_an_unpublished_rubric_version_is_refused(chief, rubric):
    draft = SelectionRubric.objects.create(version=2, title="草稿")
    with pytest.raises(ValidationError, match="published rubric"):
        calls.call_create(
            actor=chief, title="x", window_opens=_today(), window_closes=_today(), rubric=draft, tie_rule="submitted"
        )


def test_a_lot_takes_only_a_level_the_occupation_has(chief, occupations):
    call = make_call(chief, [], opens=_today() + timedelta(days=2), publish=False)
    nursery = occupations[0].__class__.objects.get(code="4-10-01-02")  # 育婴员: levels 5, 4 and 3
    with pytest.raises(ValidationError, match="can only be certified at"):
        calls.lot_set(call=call, actor=chief, occupation=nursery, level=1, quota=1)


def test_an_amendment_before_the_window_records_what_changed_and_why(chief, occupations):
    opens = _today() + timedelta(days=5)
    call = make_call(chief, occupations[:1], opens=opens, closes=opens + timedelta(days=10), publish=False)
    calls.call_publish(call=call, actor=chief)
    amendment = calls.call_amend(
        call=call,
        actor=chief,
        reason="延长申报时间",
        fields={"window_closes": opens + timedelta(days=20), "min_examiners": 2},
        lots=[(occupations[0], 4, 3), (occupations[1], 4, 1)],
    )
    assert amendment.round == 1
    fields = [change["field"] for change in amendment.changes]
    assert fields == ["window_closes", "min_examiners", "lots"]
    lots_change = amendment.changes[-1]
    assert "× 2" in lots_change["old"] and "× 3" in lots_change["new"] and "家政服务员" in lots_change["new"]
    call.refresh_from_db()
    assert call.window_closes == opens + timedelta(days=20) and call.lots.count() == 2
    assert GeneratedDocument.objects.filter(kind="selection_call", object_id=str(call.pk)).count() == 2
    assert GeneratedDocument.objects.filter(title="遴选公告更正（第1次）").exists()


def test_an_amendment_needs_a_reason_and_a_change(chief, occupations):
    call = make_call(chief, occupations, opens=_today() + timedelta(days=5), publish=False)
    calls.call_publish(call=call, actor=chief)
    with pytest.raises(ValidationError, match="reason"):
        calls.call_amend(call=call, actor=chief, reason=" ", fields={"min_examiners": 2})
    with pytest.raises(ValidationError, match="changes nothing"):
        calls.call_amend(call=call, actor=chief, reason="无", fields={"min_examiners": call.min_examiners})


def test_no_amendment_once_the_window_has_opened(chief, occupations):
    call = make_call(chief, occupations)  # its window opened 30 days ago
    with pytest.raises(ValidationError, match="before its window opens"):
        calls.call_amend(call=call, actor=chief, reason="晚了", fields={"min_examiners": 2})


def test_a_published_call_is_not_changed_as_a_draft(chief, occupations):
    call = make_call(chief, occupations, opens=_today() + timedelta(days=5), publish=False)
    calls.call_publish(call=call, actor=chief)
    with pytest.raises(ValidationError, match="can only be amended"):
        calls.call_update(call=call, actor=chief, min_examiners=3)
    with pytest.raises(ValidationError, match="can only be amended"):
        calls.lot_set(call=call, actor=chief, occupation=occupations[0], level=4, quota=9)
