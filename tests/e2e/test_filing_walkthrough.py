"""The whole filing flow through the browser, as the demo users would do it."""

from datetime import timedelta

from django.utils import timezone

from cases.applications.simulation import TINY_PDF
from cases.common.demo import seed_demo
from cases.models import FilingApplication
from tests.e2e.conftest import answer_yes, go, login

ATTACHMENT_KINDS = ["self_evaluation", "management_rules", "business_licence", "commitment"]


def _logout(page, live_server):
    page.context.clear_cookies()


def _fill_draft(page, tmp_path):
    page.click("#scope > details > summary")
    page.select_option("[data-testid=scope-form] select[name=occupation]", label="6-18-02-04 焊工")
    page.check("[data-testid=scope-form] input[name=levels][value='4']")
    page.check("[data-testid=scope-form] input[name=methods][value='process']")
    page.select_option("[data-testid=scope-form] select[name=standard]", "national")
    page.fill("[data-testid=scope-form] input[name=yearly_capacity]", "300")
    go(page, "[data-testid=scope-form] button[type=submit]")
    page.check("[data-testid=populations-form] input[value='own_staff']")
    go(page, "[data-testid=populations-form] button[type=submit]")
    for role, name, id_number in (
        ("examiner", "王考评", "11010519491231002X"),
        ("supervisor", "李督导", "110101199003070011"),
    ):
        page.click("#roster > details > summary")  # not a row's edit summary
        page.select_option("[data-testid=roster-form] select[name=role]", role)
        page.fill("[data-testid=roster-form] input[name=name]", name)
        page.fill("[data-testid=roster-form] input[name=id_number]", id_number)
        if role == "examiner":
            page.select_option("[data-testid=roster-form] select[name=occupation]", label="6-18-02-04 焊工")
        go(page, "[data-testid=roster-form] button[type=submit]")
    page.click("#venues > details > summary")
    page.fill("[data-testid=venue-form] input[name=address]", "北京市海淀区上地信息路18号实训楼")
    page.fill("[data-testid=venue-form] input[name=area_sqm]", "600")
    page.fill("[data-testid=venue-form] input[name=workstations]", "40")
    go(page, "[data-testid=venue-form] button[type=submit]")
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(TINY_PDF)
    for kind in ATTACHMENT_KINDS:
        page.click("#attachments > details > summary")
        page.select_option("[data-testid=attachment-form] select[name=kind]", kind)
        page.set_input_files("[data-testid=attachment-form] input[name=file]", str(pdf))
        go(page, "[data-testid=attachment-form] button[type=submit]")


def _open_first_task(page, live_server, queue=False):
    page.goto(f"{live_server.url}/app/tasks/{'queue/' if queue else ''}")
    go(page, "table.tasks tbody tr[data-task] a")
    if queue:
        go(page, "[data-testid=claim]")


def _confirm_seat(page):
    """Declare no conflict of interest and take the drawn seat."""
    page.check("[data-testid=declaration]")
    go(page, "[data-testid=confirm-seat]")


def _complete(page):
    # A step that issues a document renders and signs it after commit, in the request when jobs run eagerly.
    go(page, "[data-testid=complete]", timeout=30_000)
    assert "/app/tasks/" in page.url, page.content()


def test_applicant_and_regulators_take_an_application_to_filed(page, live_server, tmp_path):
    answer_yes(page)  # confirmations of irreversible steps
    seed_demo()
    login(page, live_server, "demo-applicant")
    page.goto(f"{live_server.url}/app/applications/")
    go(page, "[data-testid=new-application]")
    assert page.is_visible("[data-testid=problems]")
    _fill_draft(page, tmp_path)
    assert not page.is_visible("[data-testid=problems]"), page.inner_text("#submit")
    go(page, "[data-testid=submit]")
    application = FilingApplication.objects.get()
    assert application.state == "submitted"
    case_url = page.url
    _logout(page, live_server)

    login(page, live_server, "demo-clerk")
    _open_first_task(page, live_server, queue=True)
    page.check("input[name=outcome][value=accept]")
    _complete(page)
    _logout(page, live_server)

    # The chief draws the team at random; whoever is drawn first leads it.
    login(page, live_server, "demo-chief")
    _open_first_task(page, live_server, queue=True)
    page.fill("input[name=planned_date]", timezone.localdate().isoformat())  # findings are signed on the day
    _complete(page)
    _logout(page, live_server)

    inspection = application.inspections.get()
    leader = inspection.leader.username
    for member in inspection.members.exclude(pk=inspection.leader_id):
        login(page, live_server, member.username)
        page.goto(f"{live_server.url}/app/assignments/")
        _confirm_seat(page)
        _logout(page, live_server)

    login(page, live_server, leader)
    _open_first_task(page, live_server)
    _confirm_seat(page)
    for radio in page.query_selector_all(".checklist input[type=radio][value=pass]"):
        radio.check()
    page.check("input[name=conclusion][value=meets]")
    _complete(page)
    _logout(page, live_server)

    login(page, live_server, "demo-chief")
    _open_first_task(page, live_server, queue=True)
    _complete(page)  # draws the expert panel
    _logout(page, live_server)

    application.refresh_from_db()
    experts = [score.expert.username for score in application.panels.first().scores.select_related("expert")]
    for username, total in zip(experts, ("78", "85", "90"), strict=True):
        login(page, live_server, username)
        _open_first_task(page, live_server)
        _confirm_seat(page)
        for field in page.query_selector_all(".rubric input[name^=points_]"):
            field.fill(total)
        _complete(page)
        _logout(page, live_server)

    login(page, live_server, "demo-approver")
    _open_first_task(page, live_server, queue=True)
    page.check("input[name=decision][value=approve]")
    _complete(page)
    # The public notice lasts working days; let them pass (registration opens the working day after it ends).
    FilingApplication.objects.filter(pk=application.pk).update(
        notice_starts=timezone.localdate() - timedelta(days=20), notice_ends=timezone.localdate() - timedelta(days=10)
    )
    _open_first_task(page, live_server, queue=True)
    _complete(page)
    _logout(page, live_server)

    login(page, live_server, "demo-applicant")
    page.goto(case_url)
    assert page.get_attribute("[data-testid=state]", "class").endswith("state--filed")
    with page.expect_download() as download_info:
        page.click("[data-testid=doc-filing_certificate]")
    path = download_info.value.path()
    assert open(path, "rb").read(5) == b"%PDF-"
