"""Random draws of inspection teams and expert panels: eligibility, exclusions, replay, decline and redraw."""

import hashlib
import random
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from viewflow.workflow.models import Task

from cases.applications import services as apply
from cases.applications.simulation import complete_draft, seats_confirm_all
from cases.assessments import services as assessments
from cases.draws import engine as draws
from cases.draws.engine import Exclusion
from cases.draws.services import seat_confirm, seat_decline, seat_redraw, seat_release
from cases.models import ApplicationState as S
from cases.models import DeclaredRelation, Draw, DrawSeat, ExpertProfile, InspectorProfile
from tests.factories import UserFactory
from tests.inspections.fixtures import make_experts, make_inspectors, plan, sign
from workflow import roles
from workflow.flows.filing import FilingFlow

pytestmark = pytest.mark.django_db


def _reasons(draw) -> dict:
    return {row["user"]: row["reasons"] for row in draw.excluded}


def _team_draw(application) -> Draw:
    return Draw.objects.get(application=application, kind=Draw.Kind.TEAM, reason=Draw.Reason.INITIAL)


# The draw itself


def test_team_is_drawn_from_the_eligible_with_seed_pool_and_exclusions_recorded(accepted, chief, inspector_pool):
    inspection = plan(accepted, chief, seed="abc")
    draw = _team_draw(accepted)
    assert draw.seed == "abc" and draw.algorithm == draws.ALGORITHM
    assert sorted(draw.pool) == sorted(u.pk for u in inspector_pool)
    assert draw.eligible == sorted(u.pk for u in inspector_pool)
    assert draw.selected == draws.select("abc", draw.eligible, 2)
    seats = list(draw.seats.order_by("position"))
    assert [s.user_id for s in seats] == draw.selected
    assert [s.role for s in seats] == [DrawSeat.Role.LEADER, DrawSeat.Role.MEMBER]
    assert inspection.leader_id == draw.selected[0]
    assert sorted(inspection.members.values_list("pk", flat=True)) == sorted(draw.selected)
    assert inspection.checklist.version == 1 and inspection.findings.count() == 5
    accepted.refresh_from_db()
    assert accepted.state == S.INSPECTING


def test_the_site_inspection_task_goes_to_the_drawn_leader(accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    task = Task.objects.get(process_id=accepted.process_id, flow_task=FilingFlow.site_inspection)
    assert task.owner_id == inspection.leader_id


def test_selection_is_uniform_over_seeds():
    eligible = [3, 8, 15, 16, 23]
    picked, leaders = Counter(), Counter()
    runs = 5000
    for n in range(runs):
        chosen = draws.select(f"seed-{n}", eligible, 2)
        picked.update(chosen)
        leaders[chosen[0]] += 1
    for person in eligible:
        assert abs(picked[person] / runs - 2 / 5) < 0.03
        assert abs(leaders[person] / runs - 1 / 5) < 0.03


def test_selection_depends_only_on_seed_and_eligible():
    assert draws.select("s", [5, 1, 9, 4], 3) == draws.select("s", [4, 9, 1, 5], 3)
    assert draws.rank_key("s", 7) == hashlib.sha256(b"s:7").hexdigest()
    orders = {tuple(draws.ranking(f"seed-{n}", [1, 2, 3])) for n in range(60)}
    assert len(orders) == 6  # every order of three people occurs


# Replay


def test_replay_gives_the_same_result(accepted, chief, inspector_pool):
    plan(accepted, chief)
    draw = _team_draw(accepted)
    replay = draws.replay(draw)
    assert replay.ok and replay.selected == draw.selected
    out = StringIO()
    call_command("replay_draw", str(draw.pk), stdout=out)
    assert "MATCH" in out.getvalue() and draw.seed in out.getvalue()


def test_replay_exposes_an_altered_record(accepted, chief, inspector_pool):
    plan(accepted, chief)
    draw = _team_draw(accepted)
    others = [pk for pk in draw.eligible if pk not in draw.selected]
    Draw.objects.filter(pk=draw.pk).update(selected=[others[0], draw.selected[1]])
    draw.refresh_from_db()
    replay = draws.replay(draw)
    assert not replay.matches and not replay.digest_matches
    with pytest.raises(CommandError, match="0 of 1"):
        call_command("replay_draw", "--application", accepted.number, stdout=StringIO())


def test_draw_page_replays_for_the_chief_and_is_hidden_from_inspectors(client, accepted, chief, inspector_pool):
    plan(accepted, chief)
    draw = _team_draw(accepted)
    client.force_login(chief)
    response = client.get(f"/app/draws/{draw.pk}/?replay=1")
    assert response.status_code == 200
    html = response.content.decode()
    assert draw.seed in html and 'class="replay ok" data-testid="replay-result"' in html
    assert response.context["replay"].ok
    client.force_login(inspector_pool[0])
    assert client.get(f"/app/draws/{draw.pk}/").status_code == 403


# Exclusions


def test_conflicts_of_interest_are_excluded_with_their_reasons(accepted, chief, clerk, organisation, applicant):
    free = make_inspectors(2)
    member, employee, former, relative, inactive = make_inspectors(5, start=10)
    organisation.members.add(member)
    InspectorProfile.objects.filter(user=employee).update(employer=organisation)
    DeclaredRelation.objects.create(user=former, organisation=organisation, kind=DeclaredRelation.Kind.FORMER_EMPLOYEE)
    DeclaredRelation.objects.create(user=relative, organisation=organisation, kind=DeclaredRelation.Kind.FAMILY)
    InspectorProfile.objects.filter(user=inactive).update(active=False)
    clerk.groups.add(Group.objects.get(name=roles.INSPECTOR))  # the clerk is in the inspector pool too

    plan(accepted, chief)
    draw = _team_draw(accepted)
    reasons = _reasons(draw)
    assert reasons[member.pk] == [Exclusion.MEMBER]
    assert reasons[employee.pk] == [Exclusion.EMPLOYEE]
    assert reasons[former.pk] == [Exclusion.FORMER_EMPLOYEE]
    assert reasons[relative.pk] == [Exclusion.DECLARED_CONFLICT]
    assert reasons[inactive.pk] == [Exclusion.INACTIVE]
    assert reasons[clerk.pk] == [Exclusion.ACTED_ON_CASE]  # accepted the case as clerk
    assert sorted(draw.selected) == sorted(u.pk for u in free) == draw.eligible[:2]


def test_excluded_people_are_never_drawn_whatever_the_seed(accepted, organisation):
    make_inspectors(3)
    (conflicted,) = make_inspectors(1, start=5)
    DeclaredRelation.objects.create(user=conflicted, organisation=organisation, kind=DeclaredRelation.Kind.BUSINESS)
    evaluation = draws.evaluate_pool(kind=Draw.Kind.TEAM, application=accepted)
    for n in range(200):
        assert conflicted.pk not in draws.select(f"s{n}", evaluation.eligible, 2)


def test_an_inspector_of_the_case_cannot_sit_on_its_panel(accepted, chief):
    inspectors = make_inspectors(2)
    for user in inspectors:  # both inspectors are also experts in the field
        user.groups.add(Group.objects.get(name=roles.EXPERT))
        ExpertProfile.objects.create(user=user, fields=["6"])
    make_experts(3)
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    sign(accepted, inspection)
    assessments.expert_panel_draw(application=accepted, actor=chief, seed="p")
    panel_draw = Draw.objects.get(application=accepted, kind=Draw.Kind.PANEL)
    reasons = _reasons(panel_draw)
    for user in inspectors:
        assert Exclusion.ACTED_ON_CASE in reasons[user.pk]
        assert user.pk not in panel_draw.selected


def test_experts_must_cover_the_applications_occupations(accepted, chief, inspector_pool):
    welders = make_experts(3, fields=["6-18-02"])
    cooks = make_experts(2, start=10, fields=["4-03"])
    make_experts(1, start=20, fields=[])
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    sign(accepted, inspection)
    assessments.expert_panel_draw(application=accepted, actor=chief)
    draw = Draw.objects.get(application=accepted, kind=Draw.Kind.PANEL)
    assert sorted(draw.selected) == sorted(u.pk for u in welders)
    assert all(_reasons(draw)[u.pk] == [Exclusion.NO_FIELD_MATCH] for u in cooks)
    assert draw.criteria["occupations"] == ["6-18-02-04"]


def _second_application(applicant, organisation, occupation, clerk):
    second = complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=random.Random(9))
    apply.application_submit(application=second, actor=applicant)
    return apply.application_accept(application=second, actor=clerk)


def test_rotation_excludes_people_drawn_for_the_same_organisation_recently(
    accepted, chief, clerk, applicant, organisation, occupation, settings
):
    make_inspectors(4)
    plan(accepted, chief)
    first = _team_draw(accepted)
    second = _second_application(applicant, organisation, occupation, clerk)
    plan(second, chief)
    draw = _team_draw(second)
    assert all(_reasons(draw)[pk] == [Exclusion.ROTATION] for pk in first.selected)
    assert not set(draw.selected) & set(first.selected)
    assert draw.criteria["rotation_months"] == settings.DRAW_ROTATION_MONTHS


def test_rotation_forgets_draws_older_than_the_period_and_can_be_switched_off(
    accepted, chief, clerk, applicant, organisation, occupation, settings
):
    make_inspectors(2)
    plan(accepted, chief)
    Draw.objects.filter(application=accepted).update(drawn_at=timezone.now() - timedelta(days=400))
    second = _second_application(applicant, organisation, occupation, clerk)
    evaluation = draws.evaluate_pool(kind=Draw.Kind.TEAM, application=second)
    assert len(evaluation.eligible) == 2
    Draw.objects.filter(application=accepted).update(drawn_at=timezone.now())
    assert draws.evaluate_pool(kind=Draw.Kind.TEAM, application=second).eligible == []
    settings.DRAW_ROTATION_MONTHS = 0
    assert len(draws.evaluate_pool(kind=Draw.Kind.TEAM, application=second).eligible) == 2


def test_an_emptied_pool_names_the_constraint_and_draws_nothing(accepted, chief, organisation):
    free, *conflicted = make_inspectors(3)
    for user in conflicted:
        DeclaredRelation.objects.create(user=user, organisation=organisation, kind=DeclaredRelation.Kind.ADVISORY)
    with pytest.raises(ValidationError) as error:
        plan(accepted, chief)
    message = " ".join(error.value.messages)
    assert "ran out at “Declared a conflict of interest with the applicant” (2 excluded there)" in message
    assert "only 1 of its 3 people are eligible" in message
    accepted.refresh_from_db()
    assert accepted.state == S.ACCEPTED and not Draw.objects.exists()


def test_a_pool_smaller_than_the_team_says_so(accepted, chief):
    make_inspectors(1)
    with pytest.raises(ValidationError, match="has only 1 person; 2 are needed"):
        plan(accepted, chief)


# Answers: confirm, decline and redraw, release


def test_only_the_person_drawn_answers_for_the_seat(accepted, chief, inspector_pool):
    plan(accepted, chief)
    seat = DrawSeat.objects.first()
    other = next(u for u in inspector_pool if u.pk != seat.user_id)
    with pytest.raises(PermissionDenied):
        seat_confirm(seat=seat, actor=other, statement="x")
    seat_confirm(seat=seat, actor=seat.user, statement="no conflict")
    seat.refresh_from_db()
    assert seat.status == DrawSeat.Status.CONFIRMED and seat.responded_at


def test_decline_draws_a_replacement_that_excludes_the_decliner(accepted, chief, inspector_pool, organisation):
    inspection = plan(accepted, chief)
    member = DrawSeat.objects.get(role=DrawSeat.Role.MEMBER)
    seat_decline(
        seat=member, actor=member.user, reason="我曾在该企业任职", conflict=DeclaredRelation.Kind.FORMER_EMPLOYEE
    )
    member.refresh_from_db()
    assert member.status == DrawSeat.Status.DECLINED and not member.redraw_error
    assert DeclaredRelation.objects.filter(user=member.user, organisation=organisation).exists()
    redraw = Draw.objects.get(replaces=member)
    assert redraw.reason == Draw.Reason.DECLINED and redraw.seats_wanted == 1
    reasons = _reasons(redraw)
    assert Exclusion.DECLINED in reasons[member.user_id] and Exclusion.FORMER_EMPLOYEE in reasons[member.user_id]
    assert Exclusion.SEATED in reasons[inspection.leader_id]
    newcomer = redraw.seats.get()
    assert newcomer.role == DrawSeat.Role.MEMBER and newcomer.user_id not in (member.user_id, inspection.leader_id)
    assert sorted(inspection.members.values_list("pk", flat=True)) == sorted([inspection.leader_id, newcomer.user_id])
    assert draws.replay(redraw).ok


def test_leader_decline_hands_the_inspection_task_to_the_new_leader(accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    old_leader = inspection.leader
    seat = DrawSeat.objects.get(role=DrawSeat.Role.LEADER)
    seat_decline(seat=seat, actor=old_leader, reason="出差")
    inspection.refresh_from_db()
    assert inspection.leader_id not in (None, old_leader.pk)
    task = Task.objects.get(process_id=accepted.process_id, flow_task=FilingFlow.site_inspection)
    assert task.owner_id == inspection.leader_id


def test_decline_with_no_one_left_leaves_a_vacancy_the_chief_fills_later(accepted, chief):
    make_inspectors(2)
    inspection = plan(accepted, chief)
    member = DrawSeat.objects.get(role=DrawSeat.Role.MEMBER)
    seat_decline(seat=member, actor=member.user, reason="生病")
    member.refresh_from_db()
    assert member.is_vacant and "2" in member.redraw_error
    seats_confirm_all(accepted)
    with pytest.raises(ValidationError, match="vacant"):
        sign(accepted, inspection)
    with pytest.raises(ValidationError):
        seat_redraw(seat=member, actor=chief)  # still nobody
    make_inspectors(1, start=50)
    with pytest.raises(PermissionDenied):
        seat_redraw(seat=member, actor=inspection.leader)
    seat_redraw(seat=member, actor=chief)
    member.refresh_from_db()
    assert not member.is_vacant and inspection.members.count() == 2


def test_chief_releases_a_silent_member_and_a_replacement_is_drawn(accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    member = DrawSeat.objects.get(role=DrawSeat.Role.MEMBER)
    seat_release(seat=member, actor=chief, reason="三天未答复")
    member.refresh_from_db()
    assert member.status == DrawSeat.Status.RELEASED
    assert Draw.objects.get(replaces=member).reason == Draw.Reason.RELEASED
    assert inspection.members.count() == 2 and not inspection.members.filter(pk=member.user_id).exists()


def test_report_cannot_be_signed_while_a_member_has_not_confirmed(accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    leader_seat = DrawSeat.objects.get(role=DrawSeat.Role.LEADER)
    seat_confirm(seat=leader_seat, actor=leader_seat.user, statement="ok")
    with pytest.raises(ValidationError, match="Waiting for team members to confirm"):
        sign(accepted, inspection)


def test_a_confirmed_seat_of_a_signed_inspection_cannot_be_declined(accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    sign(accepted, inspection)
    seat = DrawSeat.objects.filter(draw__kind=Draw.Kind.TEAM).first()
    with pytest.raises(ValidationError):
        seat_decline(seat=seat, actor=seat.user, reason="late")


def test_expert_decline_moves_the_scoring_task_to_the_replacement(accepted, chief, inspector_pool):
    make_experts(4)
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    sign(accepted, inspection)
    assessments.expert_panel_draw(application=accepted, actor=chief)
    panel = accepted.panels.first()
    seat = DrawSeat.objects.filter(draw__panel=panel).first()
    seat_decline(seat=seat, actor=seat.user, reason="回避", conflict=DeclaredRelation.Kind.ADVISORY)
    newcomer = Draw.objects.get(replaces=seat).seats.get()
    assert set(panel.scores.values_list("expert_id", flat=True)) == {
        s.user_id for s in DrawSeat.objects.filter(draw__panel=panel, status__in=DrawSeat.ACTIVE)
    }
    task = Task.objects.get(process_id=accepted.process_id, flow_task=FilingFlow.score, owner=newcomer.user)
    assert task.data["expert"] == newcomer.user_id
    assert not Task.objects.filter(process_id=accepted.process_id, flow_task=FilingFlow.score, owner=seat.user).exists()


# Pages


def test_chief_draws_the_team_from_the_task_page(client, accepted, chief, inspector_pool):
    client.force_login(chief)
    task = Task.objects.get(process_id=accepted.process_id, flow_task=FilingFlow.plan_inspection)
    response = client.post(f"/app/tasks/{task.pk}/claim/")
    date = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(f"/app/tasks/{task.pk}/", {"planned_date": date, "team_size": "2", "action": "complete"})
    assert response.status_code == 302
    assert accepted.inspections.get().members.count() == 2
    page = client.get(f"/app/applications/{accepted.pk}/").content.decode()
    assert 'data-testid="seats"' in page and "draws/" in page


def test_empty_pool_message_reaches_the_chief_on_the_task_page(client, accepted, chief, organisation):
    make_inspectors(1)
    client.force_login(chief)
    task = Task.objects.get(process_id=accepted.process_id, flow_task=FilingFlow.plan_inspection)
    client.post(f"/app/tasks/{task.pk}/claim/")
    response = client.post(
        f"/app/tasks/{task.pk}/",
        {"planned_date": timezone.localdate().isoformat(), "team_size": "2", "action": "complete"},
    )
    assert response.status_code == 200
    assert any("1" in str(m) for m in response.context["messages"])


def test_drawn_inspector_confirms_from_my_draws(client, accepted, chief, inspector_pool):
    plan(accepted, chief)
    seat = DrawSeat.objects.get(role=DrawSeat.Role.MEMBER)
    client.force_login(seat.user)
    assert "seat-answer" in client.get("/app/assignments/").content.decode()
    assert client.post(f"/app/assignments/seats/{seat.pk}/confirm/", {}).status_code == 302
    seat.refresh_from_db()
    assert seat.status == DrawSeat.Status.PENDING  # the declaration was not ticked
    client.post(f"/app/assignments/seats/{seat.pk}/confirm/", {"declaration": "on"})
    seat.refresh_from_db()
    assert seat.status == DrawSeat.Status.CONFIRMED
    other = DrawSeat.objects.get(role=DrawSeat.Role.LEADER)
    assert client.post(f"/app/assignments/seats/{other.pk}/confirm/", {"declaration": "on"}).status_code == 404


def test_draw_pages_render_for_the_chief_and_the_auditor(client, accepted, chief, auditor, inspector_pool):
    UserFactory(username="t-no-profile", roles=[roles.INSPECTOR])  # in the pool without a profile yet
    plan(accepted, chief)
    member = DrawSeat.objects.get(role=DrawSeat.Role.MEMBER)
    seat_decline(seat=member, actor=member.user, reason="出差")
    redraw = Draw.objects.get(replaces=member)
    urls = [
        "/app/draws/",
        "/app/draws/?kind=inspection_team&q=京技",
        f"/app/draws/{redraw.pk}/?replay=1",
        "/app/draws/pools/inspectors/",
        "/app/draws/pools/experts/",
        "/app/draws/standards/",
        f"/app/applications/{accepted.pk}/",
        f"/app/applications/{accepted.pk}/inspection/",
    ]
    assert client.get("/app/draws/").status_code == 302  # anonymous: to the login page
    for user in (chief, auditor):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)
    client.force_login(member.user)
    assert client.get("/app/assignments/").status_code == 200
    assert client.get("/app/draws/").status_code == 403
