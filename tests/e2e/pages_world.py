"""Demo data for the page walk (test_pages_fit.py): the demo users, filing applications in every state, the
demo bodies filed with registered, submitted and draft result batches, supervision cases waiting for each
step, through the same services the pages use."""

import random

from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import timezone

from cases.applications import services as apply
from cases.applications.simulation import (
    Outcome,
    Staff,
    complete_draft,
    inspection_passed,
    new_applicant,
    panel_experts,
    run_to_end,
    seats_confirm_all,
    uniform_points,
)
from cases.assessments import services as assessments
from cases.certificates.demo import simulate_certificates
from cases.certificates.services import batches as batch_services
from cases.common.demo import seed_demo
from cases.inspections import services as inspection_services
from cases.models import DrawSeat, Occupation, Organisation
from cases.selection.simulation import run_selection
from cases.supervision.services import campaigns
from cases.supervision.services import cases as supervision
from workflow import roles

# The states a filing application is walked in, each an application of its own.
STATES = [
    "draft",
    "submitted",
    "returned",
    "accepted",
    "drawn",  # inspecting, the team's seats not yet confirmed
    "inspecting",
    "assessing",
    "deciding",
    "on_notice",
    "filed",
    "rejected",
    "withdrawn",
]


def _push(application, applicant, staff: Staff, state: str) -> None:
    """Take a complete draft as far as `state` (the steps the simulation takes, stopping on the way)."""
    if state == "draft":
        return
    if state == "withdrawn":
        apply.application_withdraw(application=application, actor=applicant)
        return
    if state == "filed":
        run_to_end(
            application=application,
            applicant=applicant,
            staff=staff,
            experts=panel_experts,
            fate="filed",
            outcome=Outcome(),
        )
        return
    apply.application_submit(application=application, actor=applicant)
    if state == "submitted":
        return
    if state == "returned":
        apply.application_return(application=application, actor=staff.clerk, deficiencies=["营业执照复印件不清晰"])
        return
    if state == "rejected":
        apply.application_reject_ineligible(application=application, actor=staff.clerk, reasons="不属于本市受理范围")
        return
    apply.application_accept(application=application, actor=staff.clerk)
    if state == "accepted":
        return
    inspection_services.inspection_plan(application=application, actor=staff.chief, planned_date=timezone.localdate())
    if state == "drawn":
        return
    seats_confirm_all(application)
    if state == "inspecting":
        return
    inspection_passed(application)
    assessments.expert_panel_draw(application=application, actor=staff.chief)
    seats_confirm_all(application)
    if state == "assessing":
        experts = panel_experts(application)
        assessments.expert_score_submit(
            application=application, actor=experts[0], points=uniform_points(application, 85)
        )
        return
    for expert in panel_experts(application):
        assessments.expert_score_submit(application=application, actor=expert, points=uniform_points(application, 80))
    if state == "deciding":
        return
    apply.application_decide(application=application, actor=staff.approver, decision="approve")


def _supervision(staff: Staff, filing) -> dict:
    supervisor = User.objects.get(username="demo-supervisor")
    opened = supervision.case_open(filing=filing, trigger="complaint", summary="投诉：考核记录不完整", actor=supervisor)
    rectifying = supervision.case_open(filing=filing, trigger="other", summary="专项检查", actor=supervisor)
    inspectors = staff.inspectors
    supervision.case_plan_inspection(
        case=rectifying,
        actor=supervisor,
        inspection_date=timezone.localdate(),
        leader=inspectors[0],
        members=inspectors[1:],
    )
    supervision.case_record_findings(
        case=rectifying,
        actor=inspectors[0],
        conclusion="problems",
        findings=["考评员持证情况与备案不符", "考核场地未按规定配置监控"],
        summary="现场检查发现两项问题",
    )
    supervision.case_decide(
        case=rectifying,
        actor=supervisor,
        decision=supervision.RECTIFY,
        items=["补充考评员证书", "配置考场监控"],
        working_days=10,
    )
    return {"opened": opened, "rectifying": rectifying}


def _campaigns() -> dict:
    """A random-inspection campaign drawn, inspected and closed (its results public), and one drawn, still open."""
    supervisor = User.objects.get(username="demo-supervisor")
    pool = list(User.objects.filter(groups__name=roles.INSPECTOR, is_active=True))
    closed = campaigns.campaign_create(actor=supervisor, name="2026年度双随机抽查", inspector_pool=pool, sample_size=1)
    campaigns.campaign_draw(campaign=closed, actor=supervisor, seed="pages-closed")
    for case in closed.cases.all():
        supervision.case_plan_inspection(case=case, actor=supervisor, inspection_date=timezone.localdate())
        case.refresh_from_db()
        supervision.case_record_findings(
            case=case, actor=case.leader, conclusion="no_problems", summary="考核记录、考评员与场地均符合备案"
        )
        supervision.case_decide(case=case, actor=supervisor, decision=supervision.CLOSE)
    campaigns.campaign_close(campaign=closed, actor=supervisor, summary="抽查 1 家机构，未发现问题。")
    drawn = campaigns.campaign_create(
        actor=supervisor, name="2026年度第二批双随机抽查", inspector_pool=pool, sample_size=1
    )
    # Which body the seed samples depends on the database's ids; the one inspected above may be drawn again, and
    # the rotation would then leave too few of the six demo inspectors for its team. The walk is about pages.
    with override_settings(DRAW_ROTATION_MONTHS=0):
        campaigns.campaign_draw(campaign=drawn, actor=supervisor, seed="pages-drawn")
    return {"closed": closed, "drawn": drawn}


def build_world() -> dict:
    """Everything the walk visits; returns the objects whose pages are visited in each of their states."""
    seed_demo()
    staff = Staff.from_groups()
    occupation = Occupation.objects.get(code="6-18-02-04")
    rng = random.Random(2026)
    # The demo bodies filed, with registered result batches (certificates), one submitted and one draft batch.
    simulate_certificates(bodies=0, batches=2, size=6, seed=5)
    applicant = User.objects.get(username="demo-applicant")
    filing = applicant.organisations.get().filings.get()
    applications = {}
    for index, state in enumerate(STATES):
        if state in ("draft", "returned"):
            # The demo applicants' own: they see the draft's forms and the supplement they owe.
            user = User.objects.get(username="demo-applicant" if state == "draft" else "demo-applicant-social")
            organisation = Organisation.objects.get(members=user)
        else:
            user, organisation = new_applicant(rng, 500 + index)
        draft = complete_draft(applicant=user, organisation=organisation, occupation=occupation, rng=rng)
        _push(draft, user, staff, state)
        draft.refresh_from_db()
        applications[state] = draft
    on_notice = applications["on_notice"]
    apply.objection_submit(
        application=on_notice, raised_by="王先生", contact="13800000000", content="该机构考评员人数不足"
    )
    # Everything pending for the reviewers: a result batch of the demo body submitted for review.
    plan_batch = _submitted_batch(filing, applicant, rng)
    cases = _supervision(staff, filing)
    # A public selection run to its end (the ranking, the objection, the conclusion) and the campaigns.
    selection = run_selection(applicants=3, seed=7)
    return {
        "call": selection.call,
        "campaigns": _campaigns(),
        "applications": applications,
        "filing": filing,
        "batch": plan_batch,
        "cases": cases,
        "seats": list(DrawSeat.objects.filter(status=DrawSeat.Status.PENDING).select_related("user")),
    }


def _submitted_batch(filing, user, rng):
    """A batch of the body's results imported and submitted, waiting for the regulator's review."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from cases.certificates.demo import results_file
    from cases.certificates.services import plans as plans_services
    from cases.models import RosterMember

    scope = filing.scope.select_related("occupation").first()
    application = filing.application
    plan = plans_services.assessment_plan_create(
        actor=user,
        scope=scope,
        level=scope.levels[0],
        assessment_date=timezone.localdate(),
        venue=application.venues.first(),
        expected_candidates=4,
        examiners=list(application.roster.filter(role=RosterMember.Role.EXAMINER, occupation=scope.occupation)),
        internal_supervisor=application.roster.filter(role=RosterMember.Role.SUPERVISOR).first(),
    )
    batch = batch_services.result_batch_create(plan=plan, actor=user)
    upload = SimpleUploadedFile("results.csv", results_file(plan=plan, size=4, rng=rng), content_type="text/csv")
    with override_settings(BACKGROUND_JOBS="inline"):
        batch_services.result_import_start(batch=batch, actor=user, uploaded=upload)
    batch_services.result_batch_submit(batch=batch, actor=user)
    return batch
