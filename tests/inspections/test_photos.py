"""Photo evidence: checked by content, stored with SHA-256, time and position read from EXIF."""

import hashlib
import io
import zoneinfo
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from cases.applications.simulation import TINY_PDF, seats_confirm_all
from cases.inspections.exif import photo_metadata
from cases.inspections.photos import photo_check
from cases.inspections.services import FindingEntry, inspection_findings_save, photo_store
from cases.models import InspectionPhoto
from tests.inspections.fixtures import photo_bytes, plan, upload

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_exif_time_and_gps_position_are_extracted():
    meta = photo_metadata(Image.open(io.BytesIO(photo_bytes())))
    assert meta.taken_at == datetime(2026, 3, 1, 9, 30, 15, tzinfo=SHANGHAI)
    assert meta.latitude == Decimal("39.907400") and meta.longitude == Decimal("116.391500")
    assert meta.camera == "TestCam Phone 1"


def test_southern_and_western_positions_are_negative():
    data = photo_bytes(latitude=("S", (33.0, 52.0, 4.0)), longitude=("W", (70.0, 30.0, 0.0)))
    meta = photo_metadata(Image.open(io.BytesIO(data)))
    assert meta.latitude == Decimal("-33.867778") and meta.longitude == Decimal("-70.500000")


def test_time_without_offset_is_taken_as_the_bureaus_local_time():
    meta = photo_metadata(Image.open(io.BytesIO(photo_bytes(offset=None))))
    assert meta.taken_at.utcoffset().total_seconds() == 8 * 3600


def test_photo_without_exif_keeps_blank_metadata():
    meta = photo_metadata(Image.open(io.BytesIO(photo_bytes(taken=None, offset=None, latitude=None))))
    assert meta.taken_at is None and meta.latitude is None and meta.longitude is None


def test_png_with_exif_is_accepted():
    checked = photo_check(upload(photo_bytes(fmt="PNG"), name="a.png", content_type="image/png"))
    assert checked.content_type == "image/png" and checked.metadata.latitude == Decimal("39.907400")


@pytest.mark.parametrize(
    "data",
    [
        TINY_PDF,  # a PDF renamed .jpg: the content decides
        b"\xff\xd8\xff\xe0" + b"\x00" * 40,  # JPEG magic bytes, nothing behind them
        b"GIF89a" + b"\x00" * 40,
        b"not an image at all",
    ],
)
def test_files_that_are_not_jpeg_or_png_images_are_refused(data):
    with pytest.raises(ValidationError):
        photo_check(upload(data, name="photo.jpg"))


def test_checked_photo_has_the_sha256_of_its_bytes_and_an_upright_thumbnail():
    data = photo_bytes(size=(2000, 1500))
    checked = photo_check(upload(data))
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert (checked.width, checked.height) == (2000, 1500)
    thumb = Image.open(io.BytesIO(checked.thumbnail))
    assert thumb.format == "JPEG" and max(thumb.size) <= 960


def test_team_member_stores_a_photo_once_with_its_exif(accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    member = inspection.members.exclude(pk=inspection.leader_id).get()
    data = photo_bytes()
    entry = FindingEntry(result="pass", note="实训楼焊接工位40个", photos=[upload(data), upload(data)])
    inspection_findings_save(inspection=inspection, actor=member, entries={"C01": entry})
    photo = InspectionPhoto.objects.get()
    assert photo.sha256 == hashlib.sha256(data).hexdigest() and photo.uploaded_by == member
    assert photo.taken_at == datetime(2026, 3, 1, 9, 30, 15, tzinfo=SHANGHAI)
    assert (photo.latitude, photo.longitude) == (Decimal("39.907400"), Decimal("116.391500"))
    with photo.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == photo.sha256
    finding = inspection.findings.get(code="C01")
    assert finding.result == "pass" and finding.recorded_by == member
    assert photo_store(finding=finding, uploaded=upload(data), actor=member) is None  # same photo, same item


def test_photo_page_is_for_the_team_and_case_readers_only(client, accepted, chief, inspector_pool, applicant, clerk):
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    entry = FindingEntry(photos=[upload(photo_bytes())])
    inspection_findings_save(inspection=inspection, actor=inspection.leader, entries={"C02": entry})
    photo = InspectionPhoto.objects.get()
    url = f"/app/applications/{accepted.pk}/inspection/photos/{photo.pk}/thumb/"
    outsider = next(u for u in inspector_pool if not inspection.members.filter(pk=u.pk).exists())
    for user, status in ((inspection.leader, 200), (clerk, 200), (outsider, 404), (applicant, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(inspection.leader)
    response = client.get(url.replace("/thumb/", "/full/"))
    assert response["Content-Type"] == "image/jpeg"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == photo.sha256


def test_inspection_page_shows_the_photo_time_and_position(client, accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    entry = FindingEntry(photos=[upload(photo_bytes())])
    inspection_findings_save(inspection=inspection, actor=inspection.leader, entries={"C01": entry})
    client.force_login(inspection.leader)
    html = client.get(f"/app/applications/{accepted.pk}/inspection/").content.decode()
    assert "2026-03-01 09:30" in html and "39.907400" in html and "116.391500" in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
