"""A public selection through the browser, as the demo users would do it: the chief publishes a call for two
occupations (two organisations each), five organisations apply (one after the window: refused), one fails the
eligibility check, three drawn experts score, the list is published with an objection, the selection concludes,
and the selected organisations continue into the filing flow and, once registered, stand in the directory."""

import itertools
import random
from datetime import timedelta

from django.db.models import F
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from cases.applications.simulation import TINY_PDF
from cases.common.demo import seed_demo
from cases.models import SelectionApplication, SelectionCall, SelectionObjection
from cases.models import SelectionState as S
from cases.selection.services import applications as apply
from cases.selection.simulation import fill_application
from tests.e2e.conftest import answer_yes, go, login
from tests.factories import OrganisationFactory, UserFactory
from workflow import roles

ELDER_CARE, HOUSEKEEPING = "4-10-01-05 养老护理员", "4-10-01-01 家政服务员"
ATTACHMENT_KINDS = ["self_evaluation", "management_rules", "business_licence", "commitment"]


def _logout(page):
    page.context.clear_cookies()


def _days_pass(call, days: int, *fields) -> None:
    """Let `days` pass for the call: its dates move back by as much, and the flow's timers that became due fire
    (what the periodic job does every minute)."""
    SelectionCall.objects.filter(pk=call.pk).update(**{name: F(name) - timedelta(days=days) for name in fields})
    Task.objects.filter(
        flow_task_type="TIMER", status=STATUS.SCHEDULED, process__selection_application__call=call
    ).update(scheduled=timezone.now())
    fire_due_timers()


_numbers = itertools.count(1)


def _social_organisation(name: str):
    user = UserFactory(username=f"e2e-social-{next(_numbers)}", roles=[roles.APPLICANT])
    user.set_password("demo12345")
    user.save()
    organisation = OrganisationFactory(name=name, kind="social", members=[user])
    return user, organisation


def _application_by_services(call, name: str, occupation_code: str, *, submit=True):
    user, organisation = _social_organisation(name)
    application = apply.selection_application_create(call=call, organisation=organisation, actor=user)
    lot = call.lots.get(occupation__code=occupation_code.split()[0])
    fill_application(application, user, lot, rng=random.Random(len(name)), examiners=2)
    if submit:
        apply.selection_submit(application=application, actor=user)
    return user, application


def _open_first(page, live_server, *, queue: bool, claim: bool):
    page.goto(f"{live_server.url}/app/tasks/{'queue/' if queue else ''}?kind=selection")
    go(page, "table.tasks tbody tr[data-task] a")
    if claim:
        go(page, "[data-testid=claim]")


def _complete(page):
    go(page, "[data-testid=complete]")
    assert "/app/tasks/" in page.url, page.content()


def _create_call(page, live_server):
    page.goto(f"{live_server.url}/app/selection/")
    go(page, "[data-testid=new-call]")
    today = timezone.localdate()
    page.fill("[data-testid=call-form] input[name=title]", "2026年养老护理员、家政服务员社会培训评价组织遴选")
    page.fill("[data-testid=call-form] input[name=window_opens]", today.isoformat())
    page.fill("[data-testid=call-form] input[name=window_closes]", (today + timedelta(days=7)).isoformat())
    page.fill("[data-testid=call-form] input[name=tie_criterion]", "S1")
    page.select_option("[data-testid=call-form] select[name=continuation]", "registration")
    go(page, "[data-testid=call-form] button[type=submit]")
    for occupation in (ELDER_CARE, HOUSEKEEPING):
        page.click("#lots summary")
        page.select_option("[data-testid=lot-form] select[name=occupation]", label=occupation)
        page.select_option("[data-testid=lot-form] select[name=level]", "4")
        page.fill("[data-testid=lot-form] input[name=quota]", "2")
        go(page, "[data-testid=lot-form] button[type=submit]")
    go(page, "[data-testid=publish]")
    assert page.get_attribute("[data-testid=phase]", "class").endswith("state--open"), page.content()
    return SelectionCall.objects.get()


def _apply_in_the_browser(page, live_server, tmp_path, call):
    page.goto(f"{live_server.url}/app/selection/mine/")
    go(page, f"tr[data-call='{call.number}'] [data-testid=apply]")
    assert page.is_visible("[data-testid=problems]")
    page.fill("[data-testid=facts-form] input[name=established_on]", "2015-03-01")
    for name in ("good_credit", "clean_record", "truthful"):
        page.check(f"[data-testid=facts-form] input[name={name}]")
    go(page, "[data-testid=facts-form] button[type=submit]")
    page.click("#scope summary")
    assert (
        page.locator("[data-testid=scope-form] select[name=occupation] option").count() == 3
    )  # "---" and the call's two
    page.select_option("[data-testid=scope-form] select[name=occupation]", label=ELDER_CARE)
    page.check("[data-testid=scope-form] input[name=levels][value='4']")
    page.check("[data-testid=scope-form] input[name=methods][value='process']")
    page.select_option("[data-testid=scope-form] select[name=standard]", "national")
    page.fill("[data-testid=scope-form] input[name=yearly_capacity]", "500")
    go(page, "[data-testid=scope-form] button[type=submit]")
    page.check("[data-testid=populations-form] input[value='dispatched']")
    go(page, "[data-testid=populations-form] button[type=submit]")
    for role, name, id_number, qualification in (
        ("examiner", "王考评", "11010519491231002X", "养老护理员考评员证"),
        ("supervisor", "李督导", "110101199003070011", ""),
    ):
        page.click("#roster summary")
        page.select_option("[data-testid=roster-form] select[name=role]", role)
        page.fill("[data-testid=roster-form] input[name=name]", name)
        page.fill("[data-testid=roster-form] input[name=id_number]", id_number)
        if role == "examiner":
            page.select_option("[data-testid=roster-form] select[name=occupation]", label=ELDER_CARE)
            page.fill("[data-testid=roster-form] input[name=qualification]", qualification)
        go(page, "[data-testid=roster-form] button[type=submit]")
    page.click("#venues summary")
    page.fill("[data-testid=venue-form] input[name=address]", "北京市朝阳区建国路88号实训楼")
    page.fill("[data-testid=venue-form] input[name=area_sqm]", "800")
    page.fill("[data-testid=venue-form] input[name=workstations]", "60")
    go(page, "[data-testid=venue-form] button[type=submit]")
    pdf = tmp_path / "material.pdf"
    pdf.write_bytes(TINY_PDF)
    for kind in ATTACHMENT_KINDS:
        page.click("#attachments summary")
        page.select_option("[data-testid=attachment-form] select[name=kind]", kind)
        page.set_input_files("[data-testid=attachment-form] input[name=file]", str(pdf))
        go(page, "[data-testid=attachment-form] button[type=submit]")
    assert not page.is_visible("[data-testid=problems]"), page.inner_text("#submit")
    go(page, "[data-testid=submit]")
    assert page.get_attribute("[data-testid=state]", "class").endswith("state--submitted")


def test_a_public_selection_from_the_call_to_the_directory(page, live_server, tmp_path):
    seed_demo()
    answer_yes(page)  # the confirmations of publish, submit and the steps

    login(page, live_server, "demo-chief")
    call = _create_call(page, live_server)
    _logout(page)

    login(page, live_server, "demo-applicant-social")
    _apply_in_the_browser(page, live_server, tmp_path, call)
    _logout(page)
    _application_by_services(call, "北京康养职业技能评价中心", ELDER_CARE)
    _application_by_services(call, "北京颐和培训评价中心", ELDER_CARE)
    _application_by_services(call, "北京家政服务评价中心", HOUSEKEEPING)
    late_user, late = _application_by_services(call, "北京迟到评价中心", HOUSEKEEPING, submit=False)

    # The window closes.
    _days_pass(call, 8, "window_opens", "window_closes")
    call.refresh_from_db()
    login(page, live_server, late_user.username)
    page.goto(f"{live_server.url}/app/selection/applications/{late.pk}/")
    assert call.window_closes.isoformat() in page.inner_text("[data-testid=problems]")  # closed on that day
    assert page.is_disabled("[data-testid=submit]")
    with page.expect_navigation():  # pressed anyway (a stale page): refused by the service, with the date
        page.evaluate("document.querySelector('[data-testid=submit]').closest('form').submit()")
    assert call.window_closes.isoformat() in page.inner_text("main")
    late.refresh_from_db()
    assert late.state == S.DRAFT
    _logout(page)

    # The clerk checks eligibility: the housekeeping centre's licence has expired.
    login(page, live_server, "demo-clerk")
    for _ in range(4):
        _open_first(page, live_server, queue=True, claim=True)
        assert page.is_visible("[data-testid=conditions-check]")
        if "北京家政服务评价中心" in page.inner_text("h1 + p"):
            page.check("input[name=outcome][value=ineligible]")
            page.fill("textarea[name=reasons]", "营业执照已过期，不符合依法登记的条件。")
        else:
            page.check("input[name=outcome][value=eligible]")
        _complete(page)
    _logout(page)
    assert SelectionApplication.objects.filter(state=S.ELIGIBLE).count() == 3

    # The chief draws the call's panel: one task page does it for every eligible application.
    login(page, live_server, "demo-chief")
    _open_first(page, live_server, queue=True, claim=True)
    assert page.is_visible("[data-testid=pool]")
    _complete(page)
    _logout(page)
    call.refresh_from_db()
    experts = list(call.panel.experts.order_by("username").values_list("username", flat=True))
    assert len(experts) == 3 and "demo-expert-8" not in experts  # declared a relation with the social demo centre

    results = {"北京华技职业技能评价中心": "88", "北京康养职业技能评价中心": "76", "北京颐和培训评价中心": "69"}
    for username in experts:
        login(page, live_server, username)
        for _ in range(3):
            _open_first(page, live_server, queue=False, claim=False)
            organisation = page.inner_text("h1 + p")
            points = next(value for name, value in results.items() if name in organisation)
            for field in page.query_selector_all(".rubric input[name^=points_]"):
                field.fill(points)
            page.check("input[name=declared]")
            _complete(page)
        _logout(page)

    login(page, live_server, "demo-chief")
    _open_first(page, live_server, queue=True, claim=True)
    lot = page.locator("[data-testid=confirm-lot]").nth(1)  # 养老护理员 (the lots go by occupation code)
    assert lot.locator("tbody tr").first.get_attribute("data-organisation") == "北京华技职业技能评价中心"
    _complete(page)
    _logout(page)

    # The list is on publication; anyone may object.
    page.goto(f"{live_server.url}/selections/")
    go(page, f"tr[data-call='{call.number}'] a")
    ranking = page.inner_text("#list")
    assert "北京华技职业技能评价中心" in ranking and "北京颐和培训评价中心" in ranking
    page.select_option("[data-testid=objection-form] select[name=concerning]", label="北京康养职业技能评价中心")
    page.fill("[data-testid=objection-form] input[name=raised_by]", "张先生")
    page.fill("[data-testid=objection-form] input[name=contact]", "13800000000")
    page.fill("[data-testid=objection-form] textarea[name=content]", "该中心考评员人数与申报不符。")
    go(page, "[data-testid=objection-form] button[type=submit]")
    objection = SelectionObjection.objects.get()
    assert objection.source == "online" and objection.application.organisation.name == "北京康养职业技能评价中心"

    # The publication period ends; the chief answers the objection and concludes.
    _days_pass(call, 10, "publication_starts", "publication_ends")
    login(page, live_server, "demo-chief")
    _open_first(page, live_server, queue=True, claim=True)
    page.fill("#objections textarea[name=resolution]", "经核查，考评员人数与申报一致，异议不成立。")
    go(page, "#objections form:has(textarea[name=resolution]) button")
    objection.refresh_from_db()
    assert objection.resolved_at is not None
    _complete(page)
    _logout(page)
    states = dict(SelectionApplication.objects.values_list("organisation__name", "state"))
    assert states["北京华技职业技能评价中心"] == S.SELECTED and states["北京康养职业技能评价中心"] == S.SELECTED
    assert states["北京颐和培训评价中心"] == S.NOT_SELECTED and states["北京家政服务评价中心"] == S.INELIGIBLE

    # The applicant sees its notice; the selected continue into the filing flow, straight to registration.
    login(page, live_server, "demo-applicant-social")
    page.goto(f"{live_server.url}/app/selection/mine/")
    go(page, "[data-testid=my-applications] tbody a")
    assert page.get_attribute("[data-testid=state]", "class").endswith("state--selected")
    with page.expect_download() as download:
        page.click("[data-testid=doc-selection_notice]")
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    _logout(page)

    login(page, live_server, "demo-approver")
    page.goto(f"{live_server.url}/app/tasks/queue/?kind=filing")
    assert page.locator("table.tasks tbody tr[data-task]").count() == 2
    page.goto(f"{live_server.url}/app/tasks/queue/?kind=filing")
    go(page, "table.tasks tbody tr[data-task]:has-text('北京华技职业技能评价中心') a")
    go(page, "[data-testid=claim]")
    _complete(page)
    _logout(page)

    page.goto(f"{live_server.url}/directory/?q=北京华技")
    assert "北京华技职业技能评价中心" in page.inner_text("main")
