"""Moving a supervision case to a given state through the same services the pages use."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.applications.simulation import TINY_PDF
from cases.supervision.services import cases as supervision


def evidence(name="整改报告.pdf"):
    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


def to_inspecting(case, supervisor, inspectors):
    return supervision.case_plan_inspection(
        case=case, actor=supervisor, inspection_date=timezone.localdate(), leader=inspectors[0], members=[inspectors[1]]
    )


def to_findings(case, supervisor, inspectors, problems=("考评员不足",)):
    to_inspecting(case, supervisor, inspectors)
    return supervision.case_record_findings(
        case=case,
        actor=inspectors[0],
        conclusion="problems" if problems else "no_problems",
        findings=list(problems),
    )


def to_rectifying(case, supervisor, inspectors, days=10):
    to_findings(case, supervisor, inspectors)
    return supervision.case_decide(
        case=case, actor=supervisor, decision="rectify", items=["补充考评员", "完善档案"], working_days=days
    )


def respond(case, applicant):
    order = case.orders.get(status="pending")
    answers = {item.pk: f"已完成：{item.text}" for item in order.items.all()}
    return supervision.rectification_respond(order=order, actor=applicant, answers=answers, files=[evidence()])


def to_verifying(case, supervisor, inspectors, applicant):
    to_rectifying(case, supervisor, inspectors)
    respond(case, applicant)
    case.refresh_from_db()
    return case


def to_sanctioning(case, supervisor, inspectors):
    to_findings(case, supervisor, inspectors)
    return supervision.case_decide(case=case, actor=supervisor, decision="sanction", note="情节严重")
