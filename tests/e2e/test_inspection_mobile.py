"""The team leader does the site inspection on a phone: confirms the seat, records, photographs, signs."""

import io
import random
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.applications import services as apply
from cases.applications.simulation import complete_draft
from cases.common.demo import seed_demo
from cases.draws.services import seat_confirm
from cases.inspections import services as inspection_services
from cases.models import GeneratedDocument, InspectionPhoto, Occupation, Organisation
from tests.e2e.conftest import ARTIFACTS, answer_yes, go, login
from tests.inspections.fixtures import photo_bytes

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(request, browser, live_server, django_db_serialized_rollback, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the live server runs in this process: photos land here
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "inspection_mobile_failed.png"), full_page=True)
    context.close()


def _planned_inspection():
    """A demo application accepted and planned, its team drawn; the member has confirmed, the leader not yet."""
    seed_demo()
    from django.contrib.auth.models import User

    applicant = User.objects.get(username="demo-applicant")
    organisation = Organisation.objects.get(members=applicant)
    occupation = Occupation.objects.get(code="6-18-02-04")
    application = complete_draft(
        applicant=applicant, organisation=organisation, occupation=occupation, rng=random.Random(7)
    )
    apply.application_submit(application=application, actor=applicant)
    apply.application_accept(application=application, actor=User.objects.get(username="demo-clerk"))
    inspection_services.inspection_plan(
        application=application, actor=User.objects.get(username="demo-chief"), planned_date=timezone.localdate()
    )
    inspection = application.inspections.get()
    for seat in inspection.draws.get().seats.exclude(user=inspection.leader):
        seat_confirm(seat=seat, actor=seat.user, statement="无利益冲突")
    return application, inspection


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"inspection_mobile_{name}.png"), full_page=True)


OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((el) => { const box = el.getBoundingClientRect(); return box.width > 0 && box.right > width + 1; })
    .map((el) => `${el.tagName}.${el.className}`).slice(0, 10);
}"""


def _overflowing(page) -> list[str]:
    """Elements sticking out to the right of the phone's screen (none: no sideways scrolling)."""
    return page.evaluate(OVERFLOWING)


def test_inspector_completes_an_inspection_with_a_photo_on_a_phone(phone, live_server):
    application, inspection = _planned_inspection()
    page = phone
    asked = answer_yes(page).asked  # the questions of irreversible steps
    login(page, live_server, inspection.leader.username)

    page.goto(f"{live_server.url}/app/tasks/")
    with page.expect_navigation():
        page.tap("table.tasks tbody tr[data-task] a")
    assert page.is_visible("[data-testid=seat-answer]")
    assert not page.is_visible("[data-testid=step-form]")  # the seat comes first
    page.tap("[data-testid=declaration]")
    with page.expect_navigation():
        page.tap("[data-testid=confirm-seat]")

    assert page.is_visible("[data-testid=checklist]")
    assert _overflowing(page) == []
    _shot(page, "1_checklist")
    for option in page.query_selector_all(".check-item .choice__option--pass"):
        box = option.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 60, box  # thumb-sized targets
        option.tap()
    page.fill("#id_note_C01", "实训楼焊接工位40个，设备运行正常")
    camera = page.locator("#id_photos_C01")
    assert camera.get_attribute("capture") == "environment" and camera.get_attribute("accept") == "image/*"
    camera.set_input_files(
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes(size=(1600, 1200))}]
    )
    with page.expect_navigation():
        page.tap("[data-testid=save]")

    assert "/app/tasks/" in page.url
    photo = InspectionPhoto.objects.get()
    assert photo.finding.code == "C01" and photo.uploaded_by == inspection.leader
    assert page.inner_text("#item-C01 [data-testid=photo-time]").endswith("2026-03-01 09:30")
    assert "39.907400" in page.inner_text("#item-C01 [data-testid=photo-gps]")
    assert page.is_checked("#item-C01 input[value=pass]")  # saved results come back
    assert page.eval_on_selector("#item-C01 [data-testid=photo] img", "img => img.naturalWidth > 0")
    assert _overflowing(page) == []
    _shot(page, "2_saved_with_photo")

    page.locator("#sign-off").scroll_into_view_if_needed()
    assert page.is_checked("input[name=conclusion][value=meets]")  # computed in the browser from the items
    assert "符合要求" in page.inner_text("[data-computed]") or "Meets" in page.inner_text("[data-computed]")
    page.fill("#id_summary", "场地、人员、制度均符合要求。")
    _shot(page, "3_sign_off")
    questions = len(asked)
    go(page, "[data-testid=complete]", tap=True, timeout=30_000)  # the step renders the report with its photos
    assert len(asked) == questions + 1, asked  # signing off asks first
    assert re.search(r"/app/tasks/$", page.url), page.url

    inspection.refresh_from_db()
    assert inspection.is_signed and inspection.conclusion == "meets" and inspection.signed_by == inspection.leader
    report = GeneratedDocument.objects.get(kind=GeneratedDocument.Kind.INSPECTION_REPORT)
    with report.file.open("rb") as stored:
        pdf = PdfReader(io.BytesIO(stored.read()))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pdf.pages))
    assert "实训楼焊接工位40个" in text and "北纬39.907400°" in text
    assert any(p.images for p in pdf.pages)
