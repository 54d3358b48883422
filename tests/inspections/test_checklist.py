"""Versioned checklists, findings from the whole team, the computed conclusion and the signed report."""

import io
import re
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone
from pypdf import PdfReader

from cases.applications.simulation import seats_confirm_all
from cases.draws.services import seat_confirm
from cases.inspections.services import FindingEntry, inspection_findings_save
from cases.models import ChecklistItem, ChecklistTemplate, DrawSeat, GeneratedDocument, SiteInspection
from cases.models.inspections import conclude
from tests.inspections.fixtures import photo_bytes, plan, sign, upload

pytestmark = pytest.mark.django_db
C = SiteInspection.Conclusion


def _publish_v2():
    template = ChecklistTemplate.objects.create(version=2, title="第二版")
    for n, (code, weight, veto) in enumerate([("K1", 50, True), ("K2", 30, False), ("K3", 20, False)], start=1):
        ChecklistItem.objects.create(
            template=template, position=n, code=code, text=f"要求{code}", weight=weight, veto=veto
        )
    template.published_at = timezone.now()
    template.save()
    return template


# Versions


def test_inspection_keeps_the_checklist_version_current_when_it_was_planned(accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    assert inspection.checklist.version == 1
    _publish_v2()
    codes = list(inspection.findings.values_list("code", flat=True))
    assert codes == ["C01", "C02", "C03", "C04", "C05"]
    assert ChecklistTemplate.objects.current().version == 2
    seats_confirm_all(accepted)
    sign(accepted, inspection)  # the old version is still what this inspection is signed against
    inspection.refresh_from_db()
    assert inspection.conclusion == C.MEETS and inspection.checklist.version == 1


def test_the_next_inspection_uses_the_new_version(accepted, chief, inspector_pool):
    _publish_v2()
    inspection = plan(accepted, chief)
    assert inspection.checklist.version == 2
    assert [(f.code, f.weight, f.veto) for f in inspection.findings.all()] == [
        ("K1", 50, True),
        ("K2", 30, False),
        ("K3", 20, False),
    ]


def test_a_draft_version_is_not_used(accepted, chief, inspector_pool):
    ChecklistTemplate.objects.create(version=3, title="草稿")
    assert plan(accepted, chief).checklist.version == 1


def test_published_versions_are_read_only_in_the_admin(admin_user):
    v1 = ChecklistTemplate.objects.get(version=1)
    draft = ChecklistTemplate.objects.create(version=9, title="草稿")
    model_admin = admin_site._registry[ChecklistTemplate]
    request = RequestFactory().get("/")
    request.user = admin_user
    assert not model_admin.has_change_permission(request, v1) and not model_admin.has_delete_permission(request, v1)
    assert model_admin.has_change_permission(request, draft)
    model_admin.copy_as_new_draft(_messages_off(request), ChecklistTemplate.objects.filter(pk=v1.pk))
    copy = ChecklistTemplate.objects.get(version=10)
    assert copy.published_at is None and copy.items.count() == 5 and v1.items.count() == 5


def _messages_off(request):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request.session = {}
    request._messages = FallbackStorage(request)
    return request


# Conclusion


def _items(*rows):
    return [SimpleNamespace(result=r, weight=w, veto=v) for r, w, v in rows]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("pass", 25, True), ("pass", 25, True), ("na", 50, False)], C.MEETS),
        ([("fail", 25, True), ("pass", 75, False)], C.FAILS),  # a failed veto item decides
        ([("pass", 25, True), ("fail", 15, False), ("pass", 60, False)], C.BASICALLY),  # 85% of the weight
        ([("pass", 25, True), ("fail", 40, False), ("pass", 35, False)], C.FAILS),  # 60%
        ([("pass", 20, False), ("fail", 5, False), ("na", 75, False)], C.BASICALLY),  # n.a. leaves the base: 80%
    ],
)
def test_conclusion_is_computed_from_results_weights_and_veto_items(rows, expected):
    assert conclude(_items(*rows), basically_share=80) == expected


def test_leader_confirms_the_computed_conclusion_or_explains_a_different_one(accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    results = {"C01": ("pass", ""), "C02": ("pass", ""), "C03": ("fail", "无申诉制度"), "C04": ("pass", "")}
    results["C05"] = ("pass", "")
    with pytest.raises(ValidationError, match="explain why"):
        sign(accepted, inspection, results=results, conclusion=C.MEETS)
    sign(accepted, inspection, results=results, conclusion=C.FAILS, reason="申诉制度缺失影响较大")
    inspection.refresh_from_db()
    assert inspection.computed_conclusion == C.BASICALLY and inspection.conclusion == C.FAILS
    assert inspection.conclusion_reason == "申诉制度缺失影响较大" and inspection.signed_by == inspection.leader


def test_a_failed_veto_item_cannot_be_signed_as_meeting_the_requirements(accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    results = {f.code: ("pass", "") for f in inspection.findings.all()} | {"C02": ("fail", "考评员不足")}
    with pytest.raises(ValidationError, match="Veto items failed"):
        sign(accepted, inspection, results=results, conclusion=C.BASICALLY, reason="其余均好")
    sign(accepted, inspection, results=results, conclusion=C.FAILS)


def test_every_item_needs_a_result_before_signing(accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    with pytest.raises(ValidationError, match="C05"):
        sign(accepted, inspection, results={f"C0{n}": ("pass", "") for n in range(1, 5)})


# Team work


def test_members_add_findings_and_the_leader_signs_the_report_with_photos(
    accepted, chief, inspector_pool, django_capture_on_commit_callbacks
):
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    member = inspection.members.exclude(pk=inspection.leader_id).get()
    inspection_findings_save(
        inspection=inspection,
        actor=member,
        entries={
            "C01": FindingEntry(result="pass", note="焊接实训工位40个", photos=[upload(photo_bytes())]),
            "C04": FindingEntry(result="pass", note="题库齐全"),
        },
    )
    rest = {code: ("pass", "") for code in ("C02", "C03", "C05")}
    with django_capture_on_commit_callbacks(execute=True):  # the report renders once the signature commits
        sign(accepted, inspection, results=rest, summary="总体符合要求")
    inspection.refresh_from_db()
    findings = {f.code: f for f in inspection.findings.all()}
    assert findings["C01"].recorded_by == member and findings["C01"].note == "焊接实训工位40个"
    assert findings["C02"].recorded_by == inspection.leader
    assert inspection.is_signed and inspection.conclusion == C.MEETS
    document = GeneratedDocument.objects.get(kind=GeneratedDocument.Kind.INSPECTION_REPORT)
    with document.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    for expected in ("现场考察报告", "焊接实训工位40个", "否决项", "现场照片", "2026-03-0109:30:15", "北纬39.907400°"):
        assert expected in text, expected
    assert len({image.name for page in reader.pages for image in page.images}) == 1  # the photo, embedded


def test_unconfirmed_or_outside_people_cannot_record_findings(accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    member = DrawSeat.objects.get(role=DrawSeat.Role.MEMBER)
    entries = {"C01": FindingEntry(result="pass")}
    with pytest.raises(PermissionDenied):
        inspection_findings_save(inspection=inspection, actor=member.user, entries=entries)
    outsider = next(u for u in inspector_pool if not inspection.members.filter(pk=u.pk).exists())
    with pytest.raises(PermissionDenied):
        inspection_findings_save(inspection=inspection, actor=outsider, entries=entries)
    seat_confirm(seat=member, actor=member.user, statement="ok")
    inspection_findings_save(inspection=inspection, actor=member.user, entries=entries)


def test_findings_cannot_change_after_the_signature(accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    sign(accepted, inspection)
    with pytest.raises(ValidationError):
        inspection_findings_save(
            inspection=inspection, actor=inspection.leader, entries={"C01": FindingEntry(result="fail")}
        )


def test_member_records_findings_from_the_inspection_page(client, accepted, chief, inspector_pool):
    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    member = inspection.members.exclude(pk=inspection.leader_id).get()
    client.force_login(member)
    url = f"/app/applications/{accepted.pk}/inspection/"
    response = client.post(url, {"result_C03": "fail", "note_C03": "缺少申诉制度", "photos_C03": upload(photo_bytes())})
    assert response.status_code == 302
    finding = inspection.findings.get(code="C03")
    assert (finding.result, finding.note, finding.photos.count()) == ("fail", "缺少申诉制度", 1)
    bad = client.post(url, {"photos_C01": upload(b"%PDF-1.4 fake", name="x.jpg")})
    assert bad.status_code == 200 and "x.jpg" in bad.content.decode()


def test_leader_saves_then_signs_from_the_task_page(client, accepted, chief, inspector_pool):
    from viewflow.workflow.models import Task

    from workflow.flows.filing import FilingFlow

    inspection = plan(accepted, chief)
    seats_confirm_all(accepted)
    task = Task.objects.get(process_id=accepted.process_id, flow_task=FilingFlow.site_inspection)
    client.force_login(inspection.leader)
    page = client.get(f"/app/tasks/{task.pk}/").content.decode()
    assert 'data-testid="save"' in page and 'name="conclusion"' in page
    data = {"result_C01": "pass", "note_C01": "场地600平方米", "action": "save"}
    assert client.post(f"/app/tasks/{task.pk}/", data).status_code == 302
    assert inspection.findings.get(code="C01").result == "pass"
    incomplete = client.post(f"/app/tasks/{task.pk}/", {"conclusion": "meets", "action": "complete"})
    assert incomplete.status_code == 200 and not SiteInspection.objects.get(pk=inspection.pk).is_signed
    data = {f"result_C0{n}": "pass" for n in range(2, 6)} | {"conclusion": "meets", "action": "complete"}
    assert client.post(f"/app/tasks/{task.pk}/", data).status_code == 302
    assert SiteInspection.objects.get(pk=inspection.pk).conclusion == C.MEETS


def test_admin_pages_for_pools_checklists_and_rubrics(admin_client, inspector_pool, organisation):
    for name in ("inspectorprofile", "expertprofile", "declaredrelation", "checklisttemplate", "rubric", "draw"):
        assert admin_client.get(f"/admin/cases/{name}/").status_code == 200, name
    v1 = ChecklistTemplate.objects.get(version=1)
    assert admin_client.get(f"/admin/cases/checklisttemplate/{v1.pk}/change/").status_code == 200  # view only
    user = inspector_pool[0]
    user.inspector_profile.delete()
    response = admin_client.post(
        "/admin/cases/inspectorprofile/add/",
        {"user": user.pk, "employer_name": "某技师学院", "fields": "6, 4-01，6-18-02-04", "active": "on", "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert user.__class__.objects.get(pk=user.pk).inspector_profile.fields == ["6", "4-01", "6-18-02-04"]
    bad = admin_client.post("/admin/cases/inspectorprofile/add/", {"user": inspector_pool[1].pk, "fields": "welding"})
    assert bad.status_code == 200
