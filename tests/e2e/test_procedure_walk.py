"""The procedure in the browser: two deficiencies answered and checked by the same clerk; an objection filed on
/notices/ and resolved by the approver; registration refused during the notice and done after it."""

import random
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from cases.applications import services as apply
from cases.applications.simulation import (
    TINY_PDF,
    Staff,
    complete_draft,
    inspection_passed,
    panel_experts,
    seats_confirm_all,
    uniform_points,
)
from cases.assessments import services as assessments
from cases.common.demo import seed_demo
from cases.inspections import services as inspection_services
from cases.models import Deficiency, FilingApplication, Occupation, Organisation
from tests.e2e.conftest import answer_yes, go, login


def _draft():
    seed_demo()
    applicant = User.objects.get(username="demo-applicant")
    organisation = Organisation.objects.filter(members=applicant).first()
    occupation = Occupation.objects.get(code="6-18-02-04")
    draft = complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=random.Random(3))
    return draft, applicant


def test_the_applicant_answers_two_deficiencies_and_the_same_clerk_sees_the_changes(page, live_server, tmp_path):
    answer_yes(page)  # the confirmations of submit, return and accept
    draft, applicant = _draft()
    apply.application_submit(application=draft, actor=applicant)
    clerk = User.objects.get(username="demo-clerk")
    apply.application_return(
        application=draft,
        actor=clerk,
        deficiencies=[
            {"text": "营业执照：不清晰", "item": "attachment:business_licence", "attachment_kind": "business_licence"},
            "场地面积与申报不符",
        ],
    )
    licence, venue_item = draft.deficiencies.order_by("id")
    pdf = tmp_path / "licence.pdf"
    pdf.write_bytes(TINY_PDF)

    login(page, live_server, "demo-applicant")
    page.goto(f"{live_server.url}/app/applications/{draft.pk}/")
    assert page.is_disabled("[data-testid=submit]") is False  # complete, but the answers are still missing
    go(page, "[data-testid=submit]")
    assert (
        "Answer every deficiency" in page.content()
        or "答复" in page.content()
        or page.locator(".message--error").count()
    )
    form = page.locator(f"#deficiency-{licence.pk} form")
    form.locator("textarea").fill("已上传清晰的营业执照扫描件")
    form.locator("input[type=file]").set_input_files(str(pdf))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url.endswith(f"#deficiency-{licence.pk}")
    # The venue row is edited in place, and the deficiency answered.
    venue = draft.venues.first()
    page.click(f"#venue-{venue.pk} .row-edit summary")
    page.fill(f"#venue-{venue.pk} input[name$=area_sqm]", "900")
    with page.expect_navigation():
        page.click(f"#venue-{venue.pk} .row-edit button[type=submit]")
    form = page.locator(f"#deficiency-{venue_item.pk} form")
    form.locator("textarea").fill("实训场地面积更正为900平方米")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    go(page, "[data-testid=submit]")
    draft.refresh_from_db()
    assert draft.state == "submitted"
    page.context.clear_cookies()

    login(page, live_server, "demo-clerk")
    page.goto(f"{live_server.url}/app/tasks/")  # back in the inbox of the clerk who returned it
    go(page, "table.tasks tbody tr[data-task] a")
    assert page.is_visible("[data-testid=resubmitted]")
    answers = page.inner_text("[data-testid=answers]")
    assert "已上传清晰的营业执照扫描件" in answers and "900" in page.inner_text("[data-testid=changes]")
    assert "licence.pdf" in page.inner_text("[data-testid=changes]")
    assert page.is_visible("[data-testid=case-material]")
    page.check("input[name=outcome][value=accept]")
    go(page, "[data-testid=complete]")
    draft.refresh_from_db()
    assert draft.state == "accepted"
    assert set(draft.deficiencies.values_list("status", flat=True)) == {Deficiency.Status.RESOLVED}


def _to_notice(draft, applicant):
    staff = Staff.from_groups()
    apply.application_submit(application=draft, actor=applicant)
    apply.application_accept(application=draft, actor=staff.clerk)
    inspection_services.inspection_plan(application=draft, actor=staff.chief, planned_date=timezone.localdate())
    seats_confirm_all(draft)
    inspection_passed(draft)
    assessments.expert_panel_draw(application=draft, actor=staff.chief)
    seats_confirm_all(draft)
    for expert in panel_experts(draft):
        assessments.expert_score_submit(application=draft, actor=expert, points=uniform_points(draft, 80))
    return apply.application_decide(application=draft, actor=staff.approver, decision="approve")


def test_an_objection_on_notices_is_resolved_and_registration_waits_for_the_notice(page, live_server, tmp_path):
    answer_yes(page)
    draft, applicant = _draft()
    application = _to_notice(draft, applicant)

    page.goto(f"{live_server.url}/notices/")
    assert application.organisation.credit_code in page.inner_text("[data-testid=notices-current]")
    go(page, f"tr[data-notice='{application.number}'] a.button")
    page.fill("input[name=raised_by]", "王五")
    page.fill("input[name=contact]", "wangwu@example.cn")
    page.fill("textarea[name=content]", "该单位考评员实际不足三人")
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(TINY_PDF)
    page.set_input_files("input[name=evidence]", str(evidence))
    go(page, "[data-testid=submit-objection]")
    objection = application.objections.get()
    assert objection.source == "online" and objection.resolved_at is None

    login(page, live_server, "demo-approver")
    page.goto(f"{live_server.url}/app/tasks/queue/")
    go(page, "table.tasks tbody tr[data-task] a")
    go(page, "[data-testid=claim]")
    assert "该单位考评员实际不足三人" in page.inner_text("[data-testid=objections]")
    # Registration during the notice is refused with the date it opens.
    go(page, "[data-testid=complete]")
    opens = apply.registration_opens_on(application)
    assert opens.isoformat() in page.inner_text(".messages")
    page.fill(f"#resolution-{objection.pk}", "经核查，考评员三人均持证，异议不成立")
    with page.expect_navigation():
        page.click(f"#resolution-{objection.pk} ~ button")
    objection.refresh_from_db()
    assert objection.resolved_at is not None
    # The notice has run its course (moved back here instead of waiting the working days).
    today = timezone.localdate()
    FilingApplication.objects.filter(pk=application.pk).update(
        notice_starts=today - timedelta(days=8), notice_ends=today - timedelta(days=1)
    )
    page.reload()
    go(page, "[data-testid=complete]")
    application.refresh_from_db()
    assert application.state == "filed"
