"""Certificates through the browser: the issue's "done when" path, as the demo users would walk it."""

import io
import re
import zipfile

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.certificates.demo import file_demo_bodies
from cases.common.demo import seed_demo
from cases.models import BatchState, Certificate, ResultBatch
from tests.e2e.conftest import answer_yes, go, login

HEADER = "姓名,身份证号,职业编码,等级,理论知识成绩,操作技能成绩,综合评审成绩,认定结果"
ROWS = [
    ("王伟", "11010519491231002X", "6-18-02-04", "4", "82", "90", "", "合格"),
    ("李娜", "110105199003070011", "6-18-02-04", "4", "75", "68", "", "合格"),  # wrong check digit
    ("赵强", "110101199507156310", "6-18-02-04", "4", "45", "70", "", "不合格"),
]
FIXED_ID = "110105199003070017"


@pytest.fixture(autouse=True)
def _settings(settings, live_server, tmp_path):
    settings.BACKGROUND_JOBS = "inline"  # the live server's in-memory SQLite is not shared with job threads
    settings.PUBLIC_BASE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"


def _csv(path, rows):
    path.write_text("\n".join([HEADER, *(",".join(row) for row in rows)]) + "\n", encoding="utf-8")
    return str(path)


def _logout(page):
    page.context.clear_cookies()


def test_import_fix_submit_approve_download_verify_and_revoke(page, live_server, tmp_path):
    asked = answer_yes(page).asked  # the questions of irreversible steps
    seed_demo()
    file_demo_bodies()

    # The enterprise declares the assessment it holds today.
    login(page, live_server, "demo-applicant")
    page.goto(f"{live_server.url}/app/certificates/")
    go(page, "[data-testid=new-plan]")
    form = "[data-testid=plan-form]"
    page.select_option(f"{form} select[name=scope]", index=1)
    page.select_option(f"{form} select[name=level]", "4")
    page.fill(f"{form} input[name=assessment_date]", timezone.localdate().isoformat())
    page.select_option(f"{form} select[name=venue]", index=1)
    page.fill(f"{form} input[name=expected_candidates]", "3")
    page.check(f"{form} input[name=examiners] >> nth=0")
    page.select_option(f"{form} select[name=internal_supervisor]", index=1)
    go(page, f"{form} button[type=submit]")
    go(page, "[data-testid=report-results]")
    batch_url = page.url

    # A results file with one bad row: it is named with its reason and nothing is imported.
    page.set_input_files("[data-testid=import-form] input[name=file]", _csv(tmp_path / "results.csv", ROWS))
    go(page, "[data-testid=import-form] button[type=submit]")
    problems = page.inner_text("[data-testid=import-problems]")
    assert "3" in page.inner_text("tr[data-line='3'] td >> nth=0")
    assert "李娜" in problems and ("校验" in problems or "check digit" in problems), problems
    assert page.is_disabled("[data-testid=submit-batch]")
    assert ResultBatch.objects.get().candidates.count() == 0

    # Fixed, imported, submitted.
    fixed = [ROWS[0], (*ROWS[1][:1], FIXED_ID, *ROWS[1][2:]), ROWS[2]]
    page.set_input_files("[data-testid=import-form] input[name=file]", _csv(tmp_path / "fixed.csv", fixed))
    go(page, "[data-testid=import-form] button[type=submit]")
    assert page.is_visible("[data-testid=import-done]")
    assert page.inner_text("[data-testid=candidate-count]").startswith("3")
    go(page, "[data-testid=submit-batch]")
    assert page.get_attribute("[data-testid=batch-state]", "data-state") == "submitted"
    _logout(page)

    # The regulator takes the review from the queue and approves.
    login(page, live_server, "demo-supervisor")
    page.goto(f"{live_server.url}/app/certificate_review/queue/")
    go(page, "table.tasks tbody tr[data-task] a")
    go(page, "[data-testid=claim]")
    page.check("input[name=outcome][value=approve]")
    go(page, "[data-testid=complete]")
    batch = ResultBatch.objects.get()
    assert batch.state == BatchState.REGISTERED and batch.certificates.count() == 2
    _logout(page)

    # The body downloads the certificates as PDFs; their QR links verify on the public page.
    login(page, live_server, "demo-applicant")
    page.goto(batch_url)
    go(page, "[data-testid=export-start]")
    with page.expect_download() as download:
        page.click("[data-testid=export-download]")
    bundle = zipfile.ZipFile(download.value.path())
    pdfs = [name for name in bundle.namelist() if name.endswith(".pdf")]
    pages = [page for name in pdfs for page in PdfReader(io.BytesIO(bundle.read(name))).pages]
    assert len(pages) == 2  # one certificate per page
    urls = []
    for page_ in pages:
        text = "".join(page_.extract_text().split())
        urls += re.findall(re.escape(live_server.url) + r"/verify/c/[A-Za-z0-9_-]+/", text)
    assert len(urls) == 2
    for url in urls:
        page.goto(url)
        assert page.get_attribute("[data-testid=verify-result]", "data-status") == "valid"

    # Revoked by the body: the QR link and the number-and-name lookup both say revoked.
    revoked = Certificate.objects.get(holder_name="王伟")
    page.goto(f"{live_server.url}/app/certificates/c/{revoked.pk}/")
    page.fill("[data-testid=revoke-form] textarea[name=reason]", "考核舞弊，撤销证书")
    go(page, "[data-testid=revoke]")
    assert revoked.number in asked[-1]  # asked before revoking
    assert page.inner_text("[data-testid=certificate-status]") in {"已撤销", "Revoked"}
    _logout(page)
    page.goto(f"{live_server.url}/verify/c/{revoked.verify_token}/")
    assert page.get_attribute("[data-testid=verify-result]", "data-status") == "revoked"
    page.goto(f"{live_server.url}/verify/")
    page.fill("[data-testid=verify-form] input[name=number]", revoked.number)
    page.fill("[data-testid=verify-form] input[name=name]", "王伟")
    go(page, "[data-testid=verify-form] button[type=submit]")
    assert page.get_attribute("[data-testid=verify-result]", "data-status") == "revoked"
