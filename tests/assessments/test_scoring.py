"""Expert assessment: weighted rubric, blind scoring, the panel result, its spread and disagreement flag."""

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader
from viewflow.workflow.models import Task

from cases.applications.simulation import seats_confirm_all
from cases.assessments import selectors as assessment_selectors
from cases.assessments import services as assessment_services
from cases.draws.services import seat_decline
from cases.models import ApplicationState as S
from cases.models import CriterionScore, DrawSeat, GeneratedDocument, Rubric, RubricCriterion
from cases.models.assessments import aggregate_totals, weighted_total
from tests.inspections.fixtures import make_experts, plan, score, sign, to_scoring
from workflow.flows.filing import FilingFlow
from workflow.tasks import TaskUnavailable

pytestmark = pytest.mark.django_db
D = Decimal


def _experts(panel):
    return [s.expert for s in panel.scores.select_related("expert").order_by("expert_id")]


# Aggregation


def test_mean_of_three_experts():
    result = aggregate_totals([D(70), D(80), D(90)], trim_from=5, margin=D(15), pass_mark=D(60))
    assert (result.mean, result.trimmed, result.spread, result.disagreement, result.passed) == (
        D("80.00"),
        False,
        D(20),
        True,
        True,
    )


def test_highest_and_lowest_are_dropped_from_five_experts():
    result = aggregate_totals([D(50), D(70), D(72), D(74), D(95)], trim_from=5, margin=D(50), pass_mark=D(75))
    assert result.trimmed and result.dropped == (D(50), D(95))
    assert result.mean == D("72.00") and result.spread == D(45) and not result.disagreement and not result.passed


def test_trimming_can_be_switched_off_and_a_close_panel_agrees():
    result = aggregate_totals([D(70), D(71), D(72), D(73), D(74)], trim_from=0, margin=D(15), pass_mark=D(60))
    assert not result.trimmed and result.mean == D("72.00") and not result.disagreement


def test_total_weights_each_criterion():
    assert weighted_total([(D(80), 25), (D(60), 20), (D(100), 20), (D(70), 20), (D(90), 15)]) == D("79.50")


def test_rubric_weights_must_add_up_to_100():
    rubric = Rubric.objects.create(version=7, title="草稿")
    RubricCriterion.objects.create(rubric=rubric, code="A", text="a", weight=60)
    RubricCriterion.objects.create(rubric=rubric, code="B", text="b", weight=30)
    assert rubric.publication_problems()
    RubricCriterion.objects.create(rubric=rubric, code="C", text="c", weight=10)
    assert rubric.publication_problems() == []
    assert Rubric.objects.get(version=1).publication_problems() == []


# Scoring


def test_each_expert_scores_every_criterion_and_gets_a_weighted_total(accepted, chief, inspector_pool, expert_pool):
    panel = to_scoring(accepted, chief)
    assert panel.rubric.version == 1 and panel.scores.count() == 3
    expert = _experts(panel)[0]
    points = {"R1": 80, "R2": 60, "R3": 100, "R4": 70, "R5": 90}
    score(accepted, expert, points, comments={"R2": "督导员偏少"}, comment="总体较好")
    sheet = panel.scores.get(expert=expert)
    assert sheet.total == D("79.50") and sheet.comment == "总体较好" and sheet.submitted_at
    assert CriterionScore.objects.get(score=sheet, criterion__code="R2").comment == "督导员偏少"


def test_scores_must_cover_every_criterion_within_0_to_100(accepted, chief, inspector_pool, expert_pool):
    panel = to_scoring(accepted, chief)
    expert = _experts(panel)[0]
    with pytest.raises(ValidationError, match="R5"):
        score(accepted, expert, {"R1": 80, "R2": 60, "R3": 100, "R4": 70})
    with pytest.raises(ValidationError):
        score(accepted, expert, {"R1": 101, "R2": 60, "R3": 100, "R4": 70, "R5": 1})
    score(accepted, expert, 70)
    with pytest.raises(TaskUnavailable):
        score(accepted, expert, 75)  # once submitted, the sheet is final (the task is done)


def test_an_expert_who_has_not_confirmed_cannot_score(accepted, chief, inspector_pool, expert_pool):
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    sign(accepted, inspection)
    assessment_services.expert_panel_draw(application=accepted, actor=chief)
    expert = accepted.panels.first().scores.first().expert
    with pytest.raises(ValidationError, match="Confirm your seat"):
        score(accepted, expert, 80)


def test_a_panel_needs_three_experts_and_matching_fields(accepted, chief, inspector_pool):
    make_experts(2)
    make_experts(3, start=10, fields=["4"])
    with pytest.raises(ValidationError, match="Expertise does not cover"):
        to_scoring(accepted, chief)
    accepted.refresh_from_db()
    assert accepted.state == S.ASSESSING  # the inspection stands; the chief extends the pool and draws again
    with pytest.raises(ValidationError, match="at least three"):
        assessment_services.expert_panel_draw(application=accepted, actor=chief, panel_size=2)


# Blindness


def test_scores_stay_blind_until_the_last_expert_submits(accepted, chief, inspector_pool, expert_pool, clerk):
    panel = to_scoring(accepted, chief)
    first, second, third = _experts(panel)
    score(accepted, first, 70)
    score(accepted, second, 80)
    for user in (first, second, third, clerk):
        view = assessment_selectors.panel_view(application=accepted, user=user)
        assert view.result is None and view.columns is None
    assert assessment_selectors.panel_view(application=accepted, user=first).own_score.total == D("70.00")
    assert assessment_selectors.panel_view(application=accepted, user=third).own_score.submitted_at is None
    score(accepted, third, 90)
    accepted.refresh_from_db()
    assert accepted.state == S.DECIDING
    for user in (first, clerk):
        view = assessment_selectors.panel_view(application=accepted, user=user)
        assert view.result.mean == D("80.00") and [c.score.total for c in view.columns] == [D(70), D(80), D(90)]


def test_the_case_page_hides_other_experts_scores_until_everyone_has_submitted(
    client, accepted, chief, inspector_pool, expert_pool, applicant
):
    panel = to_scoring(accepted, chief)
    first, second, third = _experts(panel)
    score(accepted, first, {"R1": 61, "R2": 62, "R3": 63, "R4": 64, "R5": 65})
    client.force_login(second)
    page = client.get(f"/app/applications/{accepted.pk}/").content.decode()
    assert 'data-testid="blind"' in page and "62.80" not in page and "61" not in re.findall(r">(\d+)<", page)
    client.force_login(first)
    assert "62.80" in client.get(f"/app/applications/{accepted.pk}/").content.decode()  # their own total
    score(accepted, second, 80)
    score(accepted, third, 90)
    client.force_login(second)
    page = client.get(f"/app/applications/{accepted.pk}/").content.decode()
    assert 'data-testid="scores"' in page and "62.80" in page
    client.force_login(applicant)
    page = client.get(f"/app/applications/{accepted.pk}/").content.decode()
    # The applicant sees the panel result, never the experts' names or their own sheets before the decision.
    assert 'data-testid="applicant-panel-result"' in page and 'data-testid="scores"' not in page
    assert all(expert.get_full_name() not in page for expert in (first, second, third))


def test_expert_scores_from_the_task_page_after_confirming(client, accepted, chief, inspector_pool, expert_pool):
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    sign(accepted, inspection)
    assessment_services.expert_panel_draw(application=accepted, actor=chief)
    expert = accepted.panels.first().scores.first().expert
    task = Task.objects.get(process_id=accepted.process_id, flow_task=FilingFlow.score, owner=expert)
    client.force_login(expert)
    page = client.get(f"/app/tasks/{task.pk}/").content.decode()
    assert 'data-testid="seat-answer"' in page and 'data-testid="step-form"' not in page
    seat = DrawSeat.objects.get(draw__panel=accepted.panels.first(), user=expert)
    client.post(f"/app/assignments/seats/{seat.pk}/confirm/", {"declaration": "on", "next": f"/app/tasks/{task.pk}/"})
    page = client.get(f"/app/tasks/{task.pk}/").content.decode()
    assert 'data-testid="step-form"' in page and 'name="points_R1"' in page
    data = {f"points_R{n}": "80" for n in range(1, 6)} | {"comment": "可以", "action": "complete"}
    assert client.post(f"/app/tasks/{task.pk}/", data).status_code == 302
    assert accepted.panels.first().scores.get(expert=expert).total == D("80.00")


def test_declined_expert_cannot_score_and_the_replacement_can(accepted, chief, inspector_pool):
    make_experts(4)
    panel = to_scoring(accepted, chief)
    leaving = _experts(panel)[0]
    seat = DrawSeat.objects.get(draw__panel=panel, user=leaving)
    seat_decline(seat=seat, actor=leaving, reason="临时出差")
    with pytest.raises(TaskUnavailable):
        score(accepted, leaving, 80)  # the scoring task went to the replacement
    newcomer = DrawSeat.objects.get(draw__replaces=seat).user
    seats_confirm_all(accepted)
    for expert in _experts(panel):
        score(accepted, expert, 75)
    accepted.refresh_from_db()
    assert accepted.state == S.DECIDING and panel.scores.filter(expert=newcomer).exists()


# The report


def test_five_expert_panel_report_drops_extremes_and_flags_disagreement(
    accepted, chief, inspector_pool, expert_pool, settings, django_capture_on_commit_callbacks
):
    settings.ASSESSMENT_DISAGREEMENT_MARGIN = 20
    panel = to_scoring(accepted, chief, panel_size=5)
    assert panel.trim_from == 5 and panel.disagreement_margin == 20
    with django_capture_on_commit_callbacks(execute=True):  # the report renders once the last score commits
        for expert, total in zip(_experts(panel), (50, 70, 72, 74, 95), strict=True):
            score(accepted, expert, total)
    result = panel.aggregate()
    assert result.mean == D("72.00") and result.trimmed and result.disagreement
    document = GeneratedDocument.objects.get(kind=GeneratedDocument.Kind.ASSESSMENT_REPORT)
    with document.file.open("rb") as stored:
        text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(stored.read())).pages))
    for expected in (
        "专业评估报告",
        "分项评分",
        "去掉一个最高分（95.00）和一个最低分（50.00）",
        "72.00",
        "分歧",
        "专家5",
    ):
        assert expected in text, expected
    for expert in _experts(panel):
        assert (expert.get_full_name() or expert.username) in text


def test_only_the_chief_draws_the_panel_and_only_once_the_report_is_signed(
    accepted, chief, clerk, inspector_pool, expert_pool
):
    with pytest.raises(TaskUnavailable):
        assessment_services.expert_panel_draw(
            application=accepted, actor=chief
        )  # the inspection has not even been planned
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    with pytest.raises(TaskUnavailable):
        assessment_services.expert_panel_draw(application=accepted, actor=chief)  # not signed yet
    sign(accepted, inspection)
    with pytest.raises(TaskUnavailable):
        assessment_services.expert_panel_draw(application=accepted, actor=clerk)
    assessment_services.expert_panel_draw(application=accepted, actor=chief)
    assert accepted.panels.get().scores.count() == 3
