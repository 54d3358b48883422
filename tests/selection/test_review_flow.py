"""The comparative review through the services: eligibility, the call's panel, blind scores, the ranking with the
call's tie rule, the chief's confirmation, publication with objections, the conclusion into the filing flow."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from audits.models import AuditEvent
from cases.applications import services as filing_services
from cases.draws import engine
from cases.models import ApplicationState, Draw, Filing, GeneratedDocument, SelectionScore
from cases.models import SelectionState as S
from cases.selection import panel as panels
from cases.selection import selectors
from cases.selection.services import publication, review
from tests.selection.conftest import applied, close_window, make_call
from workflow.calendar import add_working_days, step_limit
from workflow.flows.filing import FilingFlow
from workflow.flows.selection import SelectionFlow
from workflow.models import Notification, StepCode, TaskDeadline, WorkItem
from workflow.tasks import TaskUnavailable

pytestmark = pytest.mark.django_db


def _open(node, application=None):
    qs = Task.objects.filter(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])
    if application is not None:
        qs = qs.filter(process_id=application.process_id)
    return qs


def _score_all(applications, experts_points):
    """Each expert scores each application with the same points on every criterion (per expert)."""
    for application in applications:
        for expert, value in experts_points.items():
            points = {criterion.code: value for criterion in application.call.rubric.criteria.all()}
            review.score_submit(application=application, actor=expert, points=points, declared=True)


@pytest.fixture
def reviewed(chief, clerk, occupations, experts):
    """A call with four applications: three for elder care (one of them ineligible), one for housekeeping."""
    elder, housekeeping = occupations
    call = make_call(chief, occupations)
    a, _ = applied(call, elder, name="甲评价中心")
    b, _ = applied(call, elder, name="乙评价中心")
    c, _ = applied(call, elder, name="丙评价中心")
    d, _ = applied(call, housekeeping, name="丁评价中心")
    assert close_window() == 4
    for application in (a, b, c):
        review.eligibility_decide(application=application, actor=clerk, eligible=True)
    review.eligibility_decide(application=d, actor=clerk, eligible=False, reasons="营业执照已过期")
    return call, (a, b, c, d)


def test_the_window_closing_puts_each_application_in_the_clerks_queue(chief, occupations, clerk):
    call = make_call(chief, occupations)
    application, _ = applied(call, occupations[0])
    assert not _open(SelectionFlow.eligibility).exists()
    assert (
        Task.objects.get(flow_task=SelectionFlow.window, process_id=application.process_id).status == STATUS.SCHEDULED
    )
    close_window()
    task = _open(SelectionFlow.eligibility, application).get()
    row = WorkItem.objects.get(task=task)
    assert (row.kind, row.permission, row.organisation_id) == (
        "selection",
        "cases.check_selection_eligibility",
        application.organisation_id,
    )
    assert row.due_on > timezone.localdate()


def test_a_window_still_open_keeps_the_timer_waiting(chief, occupations):
    today = timezone.localdate()
    call = make_call(chief, occupations, opens=today, closes=today + timedelta(days=3), publish=False)
    from cases.selection.services import calls

    calls.call_publish(call=call, actor=chief, today=today)
    application, _ = applied(call, occupations[0])
    assert fire_due_timers() == 0
    assert not _open(SelectionFlow.eligibility, application).exists()


def test_an_ineligible_applicant_is_told_why_and_leaves_the_flow(reviewed):
    call, (_a, _b, _c, d) = reviewed
    d.refresh_from_db()
    assert d.state == S.INELIGIBLE and d.outcome_reasons == "营业执照已过期"
    notice = GeneratedDocument.objects.get(kind="selection_notice", object_id=str(d.pk))
    assert notice.title == "遴选资格审查结果通知书"
    member = d.organisation.members.get()
    assert Notification.objects.filter(recipient=member, kind="selection_decided", data__outcome="ineligible").exists()
    assert d.process.finished is not None


def test_eligible_needs_every_condition_met(chief, clerk, occupations):
    call = make_call(chief, occupations, min_examiners=1)
    application, user = applied(call, occupations[0])
    close_window()
    # The organisation's record changes after submission: a sanction would show; here the declaration is withdrawn.
    type(application).objects.filter(pk=application.pk).update(good_credit=False)
    with pytest.raises(ValidationError) as error:
        review.eligibility_decide(application=application, actor=clerk, eligible=True)
    assert "not on any list of seriously dishonest entities" in " ".join(error.value.messages)
    review.eligibility_decide(application=application, actor=clerk, eligible=False, reasons="信用承诺不符")


def test_only_the_clerk_role_checks_eligibility(chief, approver, occupations):
    call = make_call(chief, occupations)
    application, _ = applied(call, occupations[0])
    close_window()
    with pytest.raises(TaskUnavailable, match="no open task for you"):
        review.eligibility_decide(application=application, actor=approver, eligible=True)


def test_ineligibility_needs_reasons(chief, clerk, occupations):
    call = make_call(chief, occupations)
    application, _ = applied(call, occupations[0])
    close_window()
    with pytest.raises(ValidationError, match="Give the reasons"):
        review.eligibility_decide(application=application, actor=clerk, eligible=False, reasons=" ")


def test_the_panel_waits_for_every_eligibility_check(chief, clerk, occupations, experts):
    call = make_call(chief, occupations)
    a, _ = applied(call, occupations[0])
    b, _ = applied(call, occupations[0])
    close_window()
    review.eligibility_decide(application=a, actor=clerk, eligible=True)
    with pytest.raises(ValidationError, match="still to be checked"):
        review.panel_draw(call=call, actor=chief)
    review.eligibility_decide(application=b, actor=clerk, eligible=True)
    review.panel_draw(call=call, actor=chief, seed="fixed")
    assert not _open(SelectionFlow.draw_panel).exists()
    assert _open(SelectionFlow.score).count() == 2 * 3


def test_one_panel_scores_every_eligible_application_and_replays(reviewed, chief, experts):
    call, (a, b, c, d) = reviewed
    review.panel_draw(call=call, actor=chief, seed="seed-of-the-call")
    panel = call.panel
    assert len(panel.selected) == 3 and set(panel.selected) <= {expert.pk for expert in experts}
    assert set(SelectionScore.objects.filter(application=a).values_list("expert_id", flat=True)) == set(panel.selected)
    assert not SelectionScore.objects.filter(application=d).exists()
    for application in (a, b, c):
        owners = set(_open(SelectionFlow.score, application).values_list("owner_id", flat=True))
        assert owners == set(panel.selected)
    replay = panels.panel_replay(panel)
    assert replay.ok and replay.selected == panel.selected
    event = AuditEvent.objects.get(action="selection.panel_drawn")
    assert event.data["seed"] == "seed-of-the-call" and event.data["digest"] == panel.digest


def test_a_tampered_panel_record_does_not_replay(reviewed, chief):
    call, _ = reviewed
    review.panel_draw(call=call, actor=chief, seed="s")
    panel = call.panel
    panel.eligible = list(reversed(panel.eligible))[1:] + panel.eligible[:1]
    panel.seed = "other"
    assert not panels.panel_replay(panel).ok


def test_experts_in_conflict_with_any_applicant_are_left_out(reviewed, chief, experts):
    from cases.models import DeclaredRelation

    call, (a, _b, _c, _d) = reviewed
    DeclaredRelation.objects.create(user=experts[0], organisation=a.organisation, kind="family")
    with pytest.raises(ValidationError, match="Declared a conflict"):
        review.panel_draw(call=call, actor=chief, panel_size=4)
    review.panel_draw(call=call, actor=chief, panel_size=3)
    assert experts[0].pk not in call.panel.selected


def test_the_selection_panel_counts_in_the_rotation_of_later_draws(reviewed, chief, settings):
    """Who scored an organisation in a selection is not drawn to assess it again within the rotation period."""
    settings.DRAW_ROTATION_MONTHS = 12
    call, (a, _b, _c, d) = reviewed
    before = engine.evaluate_pool(kind=Draw.Kind.PANEL, application=a.filing)
    review.panel_draw(call=call, actor=chief, seed="s")
    after = engine.evaluate_pool(kind=Draw.Kind.PANEL, application=a.filing)
    rotation = engine.Exclusion.ROTATION.value
    for expert_id in call.panel.selected:
        assert rotation not in before.excluded.get(expert_id, [])
        assert rotation in after.excluded[expert_id]
    # An applicant the panel did not score (ineligible) is not affected.
    assert not any(
        rotation in reasons
        for reasons in engine.evaluate_pool(kind=Draw.Kind.PANEL, application=d.filing).excluded.values()
    )
    settings.DRAW_ROTATION_MONTHS = 0
    assert not any(
        rotation in reasons
        for reasons in engine.evaluate_pool(kind=Draw.Kind.PANEL, application=a.filing).excluded.values()
    )


def test_scores_stay_blind_until_the_last_expert(reviewed, chief):
    call, (a, _b, _c, _d) = reviewed
    review.panel_draw(call=call, actor=chief, seed="s")
    experts = list(call.panel.experts.order_by("pk"))
    criteria = {c.code: 80 for c in call.rubric.criteria.all()}
    review.score_submit(application=a, actor=experts[0], points=criteria, declared=True)
    a.refresh_from_db()
    assert a.result is None
    with pytest.raises(TaskUnavailable):  # the expert's task is done
        review.score_submit(application=a, actor=experts[0], points=criteria, declared=True)
    with pytest.raises(ValidationError, match="no conflict of interest"):
        review.score_submit(application=a, actor=experts[1], points=criteria, declared=False)
    review.score_submit(application=a, actor=experts[1], points=criteria, declared=True)
    review.score_submit(application=a, actor=experts[2], points={**criteria, "S1": 50}, declared=True)
    a.refresh_from_db()
    assert a.result == Decimal("77.50")  # S1 weighs 25: totals 80, 80 and 72.5


def test_an_expert_not_on_the_panel_cannot_score(reviewed, chief, expert):
    call, (a, _b, _c, _d) = reviewed
    review.panel_draw(call=call, actor=chief, seed="s")
    with pytest.raises(TaskUnavailable, match="no open task for you"):
        review.score_submit(application=a, actor=expert, points={"S1": 1}, declared=True)


def _scored(reviewed, chief, totals):
    """Every expert gives each application the same points on every criterion: its result is that value."""
    call, apps = reviewed
    review.panel_draw(call=call, actor=chief, seed="s")
    experts = list(call.panel.experts.all())
    for application, value in zip(apps[:3], totals, strict=True):
        _score_all([application], dict.fromkeys(experts, value))
    return call, apps


def test_the_ranking_follows_the_results_and_proposes_the_quota(reviewed, chief):
    call, (a, b, c, _d) = _scored(reviewed, chief, [70, 90, 80])
    ranking = selectors.call_ranking(call)
    elder = next(lot for lot in ranking.lots if lot.rows)
    assert [row.application.pk for row in elder.rows] == [b.pk, c.pk, a.pk]
    assert [row.proposed for row in elder.rows] == [True, True, False]
    housekeeping = next(lot for lot in ranking.lots if not lot.rows)
    assert housekeeping.lot.quota == 2


def test_equal_results_are_ordered_by_the_calls_tie_rule(reviewed, chief):
    call, (a, b, c, _d) = reviewed
    review.panel_draw(call=call, actor=chief, seed="s")
    experts = list(call.panel.experts.all())
    base = {criterion.code: 80 for criterion in call.rubric.criteria.all()}
    # Same weighted total 80 for a and c; c scores higher on S1 (the tie criterion), lower on S2.
    for expert in experts:
        review.score_submit(application=a, actor=expert, points=base, declared=True)
        review.score_submit(application=c, actor=expert, points={**base, "S1": 90, "S2": 70}, declared=True)
        review.score_submit(application=b, actor=expert, points=dict.fromkeys(base, 60), declared=True)
    rows = next(lot for lot in selectors.call_ranking(call).lots if lot.rows).rows
    assert [row.application.pk for row in rows] == [c.pk, a.pk, b.pk]
    assert rows[0].tied and rows[1].tied and not rows[2].tied


def test_results_below_the_pass_mark_are_not_proposed(reviewed, chief):
    call, (a, b, c, _d) = _scored(reviewed, chief, [55, 90, 59])
    rows = next(lot for lot in selectors.call_ranking(call).lots if lot.rows).rows
    assert [(row.application.pk, row.proposed) for row in rows] == [(b.pk, True), (c.pk, False), (a.pk, False)]


def test_the_list_is_confirmed_once_every_result_is_in(reviewed, chief):
    call, (a, b, c, _d) = reviewed
    review.panel_draw(call=call, actor=chief, seed="s")
    with pytest.raises(TaskUnavailable):  # no confirmation task until every score is in
        review.list_confirm(call=call, actor=chief, selected=set())
    assert not _open(SelectionFlow.confirm).exists()


def test_a_change_to_the_proposal_needs_its_reason_and_respects_the_quota(reviewed, chief):
    call, (a, b, c, _d) = _scored(reviewed, chief, [70, 90, 80])
    entries = {row.application.pk: row.entry.pk for lot in selectors.call_ranking(call).lots for row in lot.rows}
    with pytest.raises(ValidationError, match="give the reason"):
        review.list_confirm(call=call, actor=chief, selected={entries[b.pk], entries[a.pk]})
    with pytest.raises(ValidationError, match="wants 2 organisations; 3 are on the list"):
        review.list_confirm(call=call, actor=chief, selected=set(entries.values()), reasons={entries[a.pk]: "调整"})
    review.list_confirm(
        call=call,
        actor=chief,
        selected={entries[b.pk], entries[a.pk]},
        reasons={entries[a.pk]: "丙中心现场条件存疑", entries[c.pk]: "丙中心现场条件存疑"},
    )
    call.refresh_from_db()
    assert call.state == "listed" and call.publication_ends > call.publication_starts
    stored = {row.application.pk: row.entry for lot in selectors.stored_ranking(call).lots for row in lot.rows}
    assert stored[a.pk].selected and stored[a.pk].changed and stored[a.pk].change_reason
    assert not stored[c.pk].selected and stored[c.pk].proposed
    assert GeneratedDocument.objects.filter(kind="selection_ranking").count() == 1
    assert Notification.objects.filter(kind="selection_published").count() == 3
    assert _open(SelectionFlow.publication).count() == 0  # timers are scheduled, not open
    event = AuditEvent.objects.get(action="selectioncall.confirm_list")
    assert len(event.data["changes"]) == 2


def _confirmed(reviewed, chief, totals=(70, 90, 80)):
    call, apps = _scored(reviewed, chief, list(totals))
    proposed = {row.entry.pk for lot in selectors.call_ranking(call).lots for row in lot.rows if row.proposed}
    review.list_confirm(call=call, actor=chief, selected=proposed, today=timezone.localdate() - timedelta(days=10))
    call.refresh_from_db()
    return call, apps


def test_objections_are_taken_during_the_publication_only(reviewed, chief):
    call, (a, b, c, _d) = _confirmed(reviewed, chief)
    with pytest.raises(ValidationError, match="only while the list is on publication"):
        publication.objection_submit(call=call, raised_by="张三", contact="13800000000", content="有异议")
    objection = publication.objection_submit(
        call=call,
        raised_by="张三",
        contact="13800000000",
        content="乙中心考评员不足",
        application_id=b.pk,
        today=call.publication_starts,
    )
    assert objection.source == "online" and objection.application == b
    with pytest.raises(PermissionDenied):
        publication.objection_resolve(objection=objection, actor=a.organisation.members.get(), resolution="x")


def test_the_conclusion_waits_for_every_objection_and_continues_the_selected(reviewed, chief, clerk):
    call, (a, b, c, d) = _confirmed(reviewed, chief)
    objection = publication.objection_submit(
        call=call, raised_by="张三", contact="13800000000", content="有异议", today=call.publication_starts
    )
    assert fire_due_timers() == 3  # the publication is over: each application's conclusion task
    with pytest.raises(ValidationError, match="Resolve every objection"):
        publication.selection_conclude(call=call, actor=chief)
    publication.objection_resolve(objection=objection, actor=chief, resolution="经核实，异议不成立")
    publication.selection_conclude(call=call, actor=chief)
    call.refresh_from_db()
    assert call.state == "concluded"
    for application in (a, b, c, d):
        application.refresh_from_db()
    assert (a.state, b.state, c.state, d.state) == (S.NOT_SELECTED, S.SELECTED, S.SELECTED, S.INELIGIBLE)
    entry = a.entries.get()
    with translation.override("zh-hans"):  # the notices' language
        expected = _("%(lot)s: ranked %(rank)s with %(result)s; the call wants %(quota)d organisations.") % {
            "lot": entry.lot,
            "rank": 3,
            "result": a.result,
            "quota": 2,
        }
    assert a.outcome_reasons == expected
    # The selected continue into the filing flow at the site inspection, accepted by the clerk who checked them.
    for application in (b, c):
        filing = application.filing
        filing.refresh_from_db()
        assert filing.state == ApplicationState.ACCEPTED and filing.accepted_by == clerk
        task = Task.objects.get(process_id=filing.process_id, flow_task=FilingFlow.plan_inspection)
        assert task.status == STATUS.NEW and WorkItem.objects.get(task=task).kind == "filing"
        assert not Task.objects.filter(process_id=filing.process_id, flow_task=FilingFlow.review).exists()
    assert a.filing.state == ApplicationState.DRAFT
    titles = set(GeneratedDocument.objects.filter(kind="selection_notice").values_list("title", flat=True))
    assert titles == {"遴选入选通知书", "遴选未入选通知书", "遴选资格审查结果通知书"}


def test_the_conclusion_is_refused_during_the_publication(reviewed, chief):
    call, apps = _scored(reviewed, chief, [70, 90, 80])
    proposed = {row.entry.pk for lot in selectors.call_ranking(call).lots for row in lot.rows if row.proposed}
    review.list_confirm(call=call, actor=chief, selected=proposed)
    assert fire_due_timers() == 0
    with pytest.raises(TaskUnavailable, match="no open task"):
        publication.selection_conclude(call=call, actor=chief)


def test_an_upheld_objection_takes_an_organisation_off_the_list(reviewed, chief):
    call, (a, b, c, _d) = _confirmed(reviewed, chief)
    fire_due_timers()
    entry = b.entries.get()
    with pytest.raises(ValidationError, match="Give the reason"):
        publication.selection_conclude(call=call, actor=chief, removals={entry.pk: ""})
    publication.selection_conclude(call=call, actor=chief, removals={entry.pk: "异议成立：考评员资质造假"})
    b.refresh_from_db()
    assert b.state == S.NOT_SELECTED and "异议成立：考评员资质造假" in b.outcome_reasons


def test_straight_to_registration_when_the_review_replaces_inspection(chief, clerk, approver, occupations, experts):
    call = make_call(chief, occupations, continuation="registration")
    application, _ = applied(call, occupations[0])
    close_window()
    review.eligibility_decide(application=application, actor=clerk, eligible=True)
    review.panel_draw(call=call, actor=chief, seed="s")
    _score_all([application], dict.fromkeys(call.panel.experts.all(), 85))
    entry = application.entries.get()
    review.list_confirm(call=call, actor=chief, selected={entry.pk}, today=timezone.localdate() - timedelta(days=10))
    fire_due_timers()
    publication.selection_conclude(call=call, actor=chief)
    filing = application.filing
    filing.refresh_from_db()
    assert filing.state == ApplicationState.ON_NOTICE and filing.notice_ends < timezone.localdate()
    filing_services.application_register(application=filing, actor=approver)
    registered = Filing.objects.get(application=filing)
    assert registered.status == "active"
    assert list(registered.scope.values_list("occupation_id", "levels")) == [(occupations[0].pk, [4])]


def test_every_step_is_a_task_with_its_limit_and_the_experts_are_told(reviewed, chief):
    call, (a, b, c, d) = _confirmed(reviewed, chief)
    assert fire_due_timers() == 3  # the publication is over
    limits = {
        SelectionFlow.eligibility: (StepCode.SELECTION_ELIGIBILITY, 4),
        SelectionFlow.draw_panel: (StepCode.SELECTION_PANEL, 3),
        SelectionFlow.score: (StepCode.SELECTION_SCORING, 9),
        SelectionFlow.confirm: (StepCode.SELECTION_CONFIRMATION, 3),
        SelectionFlow.conclude: (StepCode.SELECTION_CONCLUSION, 3),
    }
    for node, (code, count) in limits.items():
        tasks = Task.objects.filter(process__selection_application__call=call, flow_task=node)
        assert tasks.count() == count, node
        for task in tasks:
            deadline = TaskDeadline.objects.get(task=task)
            assert deadline.step == code
            assert deadline.due_on == add_working_days(deadline.started_on, step_limit(code))
    for expert in call.panel.experts.all():
        told = Notification.objects.filter(recipient=expert, kind="task_assigned")
        assert told.count() == 3  # one scoring task for each eligible application
