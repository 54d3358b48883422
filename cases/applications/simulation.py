"""Push applications through the whole filing flow as the role users would (simulate_filings)."""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum.cn import ric, uscc

from cases.applications import services as apply
from cases.assessments import services as assessments
from cases.common.reference import organisation_create
from cases.draws import services as draw_services
from cases.inspections import services as inspection_services
from cases.models import (
    Attachment,
    District,
    DrawSeat,
    EvaluationStandard,
    FilingApplication,
    Occupation,
    Organisation,
    RosterMember,
    ScopeItem,
    Venue,
)
from workflow import roles


def _minimal_pdf() -> bytes:
    """One blank page with its cross-reference table and startxref at the offsets they name (a strict reader's)."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]/Resources<<>>>>",
    ]
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


# A minimal valid PDF: uploads are checked by content, so the simulation sends a real one.
TINY_PDF = _minimal_pdf()
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _credit_code(rng: random.Random) -> str:
    body = "91110" + str(rng.randint(100, 119))[-3:] + "".join(rng.choice(_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _id_number(rng: random.Random) -> str:
    body = (
        "110108"
        + f"{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        + f"{rng.randint(0, 999):03d}"
    )
    return body + ric.calc_check_digit(body + "0")  # stdnum expects the check position present


@dataclass
class Staff:
    clerk: User
    chief: User
    approver: User
    inspectors: list[User]

    @classmethod
    def from_groups(cls) -> "Staff":
        def first(role):
            return Group.objects.get(name=role).user_set.filter(is_active=True).order_by("pk")

        return cls(
            clerk=first(roles.CLERK).first(),
            chief=first(roles.CHIEF).first(),
            approver=first(roles.APPROVER).first(),
            inspectors=list(first(roles.INSPECTOR)[:2]),
        )


@dataclass
class Outcome:
    filed: int = 0
    rejected: int = 0
    returned_then_filed: int = 0
    transitions: int = 0
    numbers: list[str] = field(default_factory=list)


def new_applicant(rng: random.Random, index: int) -> tuple[User, Organisation]:
    user = User.objects.create_user(username=f"sim-{timezone.now():%y%m%d%H%M%S}-{index}-{rng.randint(0, 99999)}")
    user.groups.add(Group.objects.get(name=roles.APPLICANT))
    organisation = organisation_create(
        actor=user,
        members=[user],
        name=f"模拟企业{index}号有限公司{rng.randint(0, 99999)}",
        credit_code=_credit_code(rng),
        kind=rng.choice(Organisation.Kind.values),
        category=rng.choice(Organisation.Category.values),
        district=rng.choice(list(District.objects.all())),
        contact_name="模拟联系人",
        contact_phone="010-00000000",
    )
    return user, organisation


def complete_draft(*, applicant, organisation, occupation: Occupation, rng: random.Random):
    """A draft with every section the pre-submission check asks for."""
    application = apply.application_create(organisation=organisation, actor=applicant)
    level = max(occupation.levels)
    item = ScopeItem(
        occupation=occupation,
        levels=[level],
        methods=["process"],
        standard=EvaluationStandard.NATIONAL,
        yearly_capacity=100,
    )
    apply.child_save(application=application, actor=applicant, child=item)
    apply.application_update(application=application, actor=applicant, target_populations=["own_staff"])
    for role, occ in ((RosterMember.Role.EXAMINER, occupation), (RosterMember.Role.SUPERVISOR, None)):
        member = RosterMember(role=role, name="模拟人员", id_number=_id_number(rng), occupation=occ)
        apply.child_save(application=application, actor=applicant, child=member)
    apply.child_save(
        application=application, actor=applicant, child=Venue(address="北京市模拟路1号", area_sqm=200, workstations=20)
    )
    for kind in Attachment.REQUIRED:
        upload = SimpleUploadedFile(f"{kind}.pdf", TINY_PDF, content_type="application/pdf")
        apply.attachment_add(application=application, actor=applicant, kind=kind, uploaded=upload)
    return application


def run_to_end(*, application, applicant, staff: Staff, experts, fate: str, outcome: Outcome, today=None) -> None:
    """Take a submitted application through every step to `fate` (filed, rejected, returned)."""
    apply.application_submit(application=application, actor=applicant)
    if fate == "rejected":
        apply.application_reject_ineligible(application=application, actor=staff.clerk, reasons="模拟：不符合条件")
        outcome.rejected += 1
        return
    if fate == "returned":
        apply.application_return(application=application, actor=staff.clerk, deficiencies=["模拟：补充材料"])
        for deficiency in application.deficiencies.filter(status="open"):
            apply.deficiency_answer(deficiency=deficiency, actor=applicant, reply="模拟：已补充")
        apply.application_submit(application=application, actor=applicant)
        outcome.returned_then_filed += 1
    apply.application_accept(application=application, actor=staff.clerk)
    inspection_services.inspection_plan(application=application, actor=staff.chief, planned_date=timezone.localdate())
    seats_confirm_all(application)
    inspection_passed(application)
    assessments.expert_panel_draw(application=application, actor=staff.chief)
    seats_confirm_all(application)
    for expert in experts(application):
        assessments.expert_score_submit(application=application, actor=expert, points=uniform_points(application, 80))
    apply.application_decide(application=application, actor=staff.approver, decision="approve")
    # A simulation cannot wait out the public notice: it is moved back to have ended yesterday, so the body is
    # registered today and may certify at once (registering "in the future" would leave it inactive).
    day = today or timezone.localdate()
    FilingApplication.objects.filter(pk=application.pk).update(
        notice_starts=day - timedelta(days=7), notice_ends=day - timedelta(days=1)
    )
    apply.application_register(application=application, actor=staff.approver, today=today)
    outcome.filed += 1


def seats_confirm_all(application) -> None:
    """Every person drawn for the application who has not answered yet confirms their seat."""
    for seat in DrawSeat.objects.filter(draw__application=application, status=DrawSeat.Status.PENDING):
        draw_services.seat_confirm(seat=seat, actor=seat.user, statement="模拟：无利益冲突")


def inspection_passed(application) -> None:
    """The inspection team's leader records every checklist item as met and the conclusion "meets"."""
    inspection = application.inspections.first()
    results = {finding.code: ("pass", "") for finding in inspection.findings.all()}
    inspection_services.inspection_record(
        application=application, actor=inspection.leader, results=results, conclusion="meets"
    )


def uniform_points(application, value) -> dict:
    """The same score on every criterion of the current panel's rubric."""
    panel = application.panels.select_related("rubric").first()
    return {criterion.code: value for criterion in panel.rubric.criteria.all()}


def panel_experts(application):
    panel = application.panels.first()
    return [score.expert for score in panel.scores.select_related("expert")]
