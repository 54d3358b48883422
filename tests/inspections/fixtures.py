"""Fixtures shared by the inspection and assessment tests: pools with profiles, an accepted application."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from cases.applications import services as apply
from cases.applications.simulation import complete_draft, seats_confirm_all, uniform_points
from cases.assessments import services as assessments
from cases.inspections import services as inspection_services
from cases.models import ExpertProfile, InspectorProfile
from tests.factories import UserFactory
from workflow import roles


def make_inspectors(count: int, start: int = 0, **profile):
    people = [UserFactory(username=f"t-insp-{n}", roles=[roles.INSPECTOR]) for n in range(start, start + count)]
    InspectorProfile.objects.bulk_create(InspectorProfile(user=user, **profile) for user in people)
    return people


def make_experts(count: int, start: int = 0, fields=("6-18",), **profile):
    people = [UserFactory(username=f"t-exp-{n}", roles=[roles.EXPERT]) for n in range(start, start + count)]
    ExpertProfile.objects.bulk_create(ExpertProfile(user=user, fields=list(fields), **profile) for user in people)
    return people


@pytest.fixture
def inspector_pool(db):
    return make_inspectors(4)


@pytest.fixture
def expert_pool(db):
    return make_experts(5)


@pytest.fixture
def draft(applicant, organisation, occupation):
    return complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=random.Random(1))


@pytest.fixture
def accepted(draft, applicant, clerk):
    apply.application_submit(application=draft, actor=applicant)
    return apply.application_accept(application=draft, actor=clerk)


def plan(application, chief, *, seed="seed-1", team_size=2):
    inspection_services.inspection_plan(
        application=application, actor=chief, planned_date=timezone.localdate(), team_size=team_size, seed=seed
    )
    return application.inspections.first()


def sign(application, inspection, results=None, conclusion="meets", **kwargs):
    results = results or {f.code: ("pass", "") for f in inspection.findings.all()}
    return inspection_services.inspection_record(
        application=application, actor=inspection.leader, results=results, conclusion=conclusion, **kwargs
    )


def to_scoring(application, chief, *, panel_size=3, seed="panel-seed"):
    """Plan, confirm, sign, then draw the panel and confirm it: every expert has a scoring task."""
    inspection = plan(application, chief)
    seats_confirm_all(application)
    sign(application, inspection)
    assessments.expert_panel_draw(application=application, actor=chief, panel_size=panel_size, seed=seed)
    seats_confirm_all(application)
    application.refresh_from_db()
    return application.panels.first()


def score(application, expert, value, **kwargs):
    points = value if isinstance(value, dict) else uniform_points(application, value)
    return assessments.expert_score_submit(application=application, actor=expert, points=points, **kwargs)


def photo_bytes(
    *,
    fmt="JPEG",
    taken="2026:03:01 09:30:15",
    offset="+08:00",
    latitude=("N", (39.0, 54.0, 26.64)),
    longitude=("E", (116.0, 23.0, 29.4)),
    size=(320, 240),
    color=(180, 40, 40),
) -> bytes:
    """An image as a phone camera writes it: EXIF DateTimeOriginal (+ offset) and a GPS position."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "TestCam", "Phone 1"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    if taken:
        details[0x9003] = taken
    if offset:
        details[0x9011] = offset
    if latitude and longitude:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[1], gps[2] = latitude
        gps[3], gps[4] = longitude
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def upload(data: bytes, name="site.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
