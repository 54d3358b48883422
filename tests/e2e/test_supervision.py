"""Supervision through the browser, as new users would: a random campaign over the demo registry, an
inspection that finds problems, the body rectifies from its own pages, another body is suspended for one
occupation, and the public directory shows it on the next request."""

from django.utils import timezone

from cases.applications.simulation import TINY_PDF
from cases.common.demo import seed_demo
from cases.models import District, SupervisionCampaign, SupervisionCase
from cases.registry.bulk import file_demo_organisations
from tests.e2e.conftest import answer_yes, go, login
from tests.factories import OrganisationFactory
from tests.registry.helpers import make_filing

JINGGONG, HUAJI = "北京精工智造机械有限公司", "北京华技职业技能评价中心"


def _switch(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def _open_task(page, live_server, organisation, queue=False):
    page.goto(f"{live_server.url}/app/tasks/{'queue/' if queue else ''}?kind=supervision")
    go(page, f"table.tasks tbody tr:has-text('{organisation}') a")
    if queue:
        go(page, "[data-testid=claim]")


def _complete(page):
    go(page, "[data-testid=complete]")
    assert page.url.endswith("/app/tasks/"), page.inner_text("main")  # back in the inbox: the step is done


def _inspect(page, live_server, case, finding):
    _switch(page, live_server, case.leader.username)
    _open_task(page, live_server, case.filing.organisation.name)
    page.check("input[name=conclusion][value=problems]")
    page.fill("textarea[name=findings]", finding)
    _complete(page)


def _plan(page, live_server, organisation):
    _open_task(page, live_server, organisation, queue=True)
    page.fill("input[name=inspection_date]", timezone.localdate().isoformat())
    _complete(page)


def test_campaign_inspection_rectification_and_a_suspension_seen_in_the_directory(page, live_server, tmp_path):
    answer_yes(page)  # confirmations of irreversible steps
    seed_demo()
    file_demo_organisations()
    make_filing(organisation=OrganisationFactory(district=District.objects.get(code="110101")))  # outside the filter
    haidian, chaoyang = District.objects.get(code="110108"), District.objects.get(code="110105")

    # The supervisor defines and draws a campaign over two districts of the demo registry.
    login(page, live_server, "demo-supervisor")
    page.goto(f"{live_server.url}/app/registry/campaigns/")
    go(page, "[data-testid=new-campaign]")
    page.fill("input[name=name]", "2026年第一批双随机抽查")
    page.check(f"input[name=districts][value='{haidian.pk}']")
    page.check(f"input[name=districts][value='{chaoyang.pk}']")
    page.fill("input[name=sample_size]", "2")
    for box in page.query_selector_all("input[name=inspector_pool]"):
        box.check()
    go(page, "[data-testid=campaign-form] button[type=submit]")
    assert "2" in page.inner_text("[data-testid=population]")
    go(page, "[data-testid=draw]")
    campaign = SupervisionCampaign.objects.get()
    assert campaign.state == "drawn" and page.inner_text("[data-testid=seed]") == str(campaign.seed)
    go(page, "[data-testid=replay]")
    assert page.is_visible(".replay-ok")

    cases = {case.filing.organisation.name: case for case in SupervisionCase.objects.select_related("filing")}
    assert set(cases) == {JINGGONG, HUAJI}

    # Body 1: inspection finds problems, rectification is ordered.
    _plan(page, live_server, JINGGONG)
    rectified = SupervisionCase.objects.get(pk=cases[JINGGONG].pk)
    _inspect(page, live_server, rectified, "考评员数量不足\n考核档案不完整")
    _switch(page, live_server, "demo-supervisor")
    _open_task(page, live_server, JINGGONG, queue=True)
    page.check("input[name=decision][value=rectify]")
    assert "考评员数量不足" in page.input_value("textarea[name=items]")
    page.fill("input[name=working_days]", "10")
    _complete(page)

    # The body answers from its own pages, with evidence.
    _switch(page, live_server, "demo-applicant")
    page.goto(f"{live_server.url}/app/body/")
    go(page, "[data-testid=pending-order]")
    for index, area in enumerate(page.query_selector_all("[data-testid=response-form] textarea[name^=item_]")):
        area.fill(f"已整改第{index + 1}项")
    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(TINY_PDF)
    page.set_input_files("input[name=evidence]", str(evidence))
    go(page, "[data-testid=send-response]")
    assert page.get_attribute("[data-testid=case-state]", "class").endswith("state--verifying")
    with page.expect_download() as download:
        page.click("[data-testid=doc-rectification_notice]")
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"

    # The supervisor verifies and closes.
    _switch(page, live_server, "demo-supervisor")
    _open_task(page, live_server, JINGGONG, queue=True)
    assert "已整改第1项" in page.inner_text("main")
    page.check("input[name=decision][value=accept]")
    page.fill("textarea[name=note]", "现场核查整改到位")
    _complete(page)
    rectified.refresh_from_db()
    assert (rectified.state, rectified.outcome) == ("closed", "rectified")

    # Body 2: suspended for one occupation.
    _plan(page, live_server, HUAJI)
    sanctioned = SupervisionCase.objects.get(pk=cases[HUAJI].pk)
    _inspect(page, live_server, sanctioned, "焊工考核由无资质人员担任考评员")
    _switch(page, live_server, "demo-supervisor")
    _open_task(page, live_server, HUAJI, queue=True)
    page.check("input[name=decision][value=sanction]")
    _complete(page)
    _open_task(page, live_server, HUAJI, queue=True)
    page.check("input[name=measure][value=suspend_scope]")
    page.check("label:has-text('焊工') input[name=scopes]")
    page.fill("textarea[name=reasons]", "焊工考核由无资质人员担任考评员，暂停焊工认定。")
    _complete(page)

    # The public sees it on the next request, without logging in.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/directory/?q=华技")
    row = page.locator("table.directory tbody tr").first
    assert "焊工" in row.locator("[data-testid=suspended-scope]").inner_text()
    certifiable = row.locator(".scope-row:not(.scope-row--suspended)").all_inner_texts()
    assert any("电工" in text for text in certifiable) and not any("焊工" in text for text in certifiable)
    go(page, f"table.directory tbody tr a:has-text('{HUAJI}')")
    assert "暂停焊工认定" in page.inner_text("[data-testid=history]")

    # Closing the campaign publishes its results.
    login(page, live_server, "demo-supervisor")
    page.goto(f"{live_server.url}/app/registry/campaigns/{campaign.pk}/")
    page.fill("textarea[name=summary]", "抽查2家：1家整改到位，1家暂停焊工认定。")
    go(page, "[data-testid=close-campaign]")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/directory/campaigns/{campaign.number}/")
    results = page.inner_text("[data-testid=results]")
    assert JINGGONG in results and HUAJI in results
