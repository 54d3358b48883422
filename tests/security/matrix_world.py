"""The world the access matrix requests URLs in: one organisation's complete case (filed, inspected, assessed,
certified, supervised) and, as the users who ask, another organisation's applicant, regulators, and an
inspector and an expert who were never drawn for it."""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.applications import services as apply
from cases.applications.simulation import Outcome, Staff, complete_draft, panel_experts, run_to_end
from cases.certificates.services import batches as batch_services
from cases.common.demo import seed_demo
from cases.models import (
    AnnualReport,
    Certificate,
    CertificateExport,
    Complaint,
    Deficiency,
    Draw,
    DrawSeat,
    GeneratedDocument,
    InspectionPhoto,
    NoticeObjection,
    Occupation,
    Organisation,
    ResultImport,
    SelectionApplication,
    SupervisionCampaign,
)
from cases.selection.simulation import run_selection
from cases.supervision.services import cases as supervision
from tests.certificates.conftest import good_rows, imported_batch, make_plan
from tests.factories import UserFactory
from workflow import roles

ROLES = [
    "anonymous",
    "applicant",
    "clerk",
    "chief",
    "inspector",
    "expert",
    "approver",
    "supervisor",
    "auditor",
    "admin",
]


def url_patterns():
    """(route, name) of every URL the resolver knows; name is "namespace:name" or the route when unnamed."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                yield route, name or route

    return list(walk(get_resolver().url_patterns))


@dataclass
class World:
    users: dict[str, User | None]
    ids: dict[str, object] = field(default_factory=dict)


def build_world() -> World:
    seed_demo()
    rng = random.Random(13)
    applicant = User.objects.get(username="demo-applicant")
    organisation = Organisation.objects.get(members=applicant)
    occupation = Occupation.objects.get(code="6-18-02-04", trade="")
    application = complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=rng)
    with TestCase.captureOnCommitCallbacks(execute=True):
        run_to_end(
            application=application,
            applicant=applicant,
            staff=Staff.from_groups(),
            experts=panel_experts,
            fate="filed",
            outcome=Outcome(),
        )
    application.refresh_from_db()
    filing = application.filing
    open_case = complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=rng)
    with TestCase.captureOnCommitCallbacks(execute=True):
        apply.application_submit(application=open_case, actor=applicant)
    supervisor = User.objects.get(username="demo-supervisor")
    case = supervision.case_open(filing=filing, trigger="other", summary="矩阵测试", actor=supervisor)
    complaint = supervision.complaint_record(
        filing=filing,
        actor=supervisor,
        source=Complaint.Source.values[0],
        content="矩阵测试投诉",
        received_on=timezone.localdate(),
    )
    plan = make_plan(filing, applicant, level=max(occupation.levels))
    batch = imported_batch(plan, applicant, good_rows(2, level=max(occupation.levels)))
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch_services.result_batch_submit(batch=batch, actor=applicant)
        batch_services.result_batch_approve(batch=batch, actor=supervisor)
    from viewflow.workflow.models import Task

    task = Task.objects.order_by("-pk").first()  # the open application's completeness review
    clerk = User.objects.get(username="demo-clerk")
    deficiency = Deficiency.objects.create(application=open_case, round=1, text="矩阵测试补正", created_by=clerk)
    objection = NoticeObjection.objects.create(application=application, raised_by="矩阵测试", content="矩阵测试异议")
    with TestCase.captureOnCommitCallbacks(execute=True):
        call = run_selection(applicants=3, seed=13).call  # organisations of their own, not the asking applicant's
    users = {
        "anonymous": None,
        "applicant": User.objects.get(username="demo-applicant-social"),  # another organisation
        "inspector": UserFactory(username="t-matrix-inspector", roles=[roles.INSPECTOR]),  # never drawn
        "expert": UserFactory(username="t-matrix-expert", roles=[roles.EXPERT]),  # never drawn
    }
    for role in ("clerk", "chief", "approver", "supervisor", "auditor", "admin"):
        users[role] = User.objects.get(username=f"demo-{role}")
    seat = DrawSeat.objects.filter(draw__application=application).first()
    ids = {
        "application": application.pk,
        "open_application": open_case.pk,
        "filing": filing.pk,
        "filing_number": filing.number,
        "case": case.pk,
        "complaint": complaint.pk,
        "campaign": getattr(SupervisionCampaign.objects.first(), "pk", 1),
        "report": getattr(AnnualReport.objects.first(), "pk", 1),
        "plan": plan.pk,
        "batch": batch.pk,
        "certificate": Certificate.objects.filter(batch=batch).first().pk,
        "certificate_token": Certificate.objects.filter(batch=batch).first().verify_token,
        "task": task.pk if task else 1,
        "draw": Draw.objects.filter(application=application).first().pk,
        "seat": seat.pk,
        "document": GeneratedDocument.objects.order_by("pk").first().pk,
        "attachment": application.attachments.first().pk,
        "roster_member": open_case.roster.first().pk,
        "deficiency": deficiency.pk,
        "objection": objection.pk,
        "application_number": application.number,
        "totp_device": TOTPDevice.objects.create(user=users["admin"], name="matrix").pk,
        "import_job": ResultImport.objects.filter(batch=batch).order_by("pk").first().pk,
        "export": getattr(CertificateExport.objects.filter(batch=batch).order_by("pk").first(), "pk", 1),
        "organisation": organisation.pk,
        "call": call.pk,
        "call_number": call.number,
        "selection_application": SelectionApplication.objects.filter(call=call).first().pk,
        "photo": getattr(InspectionPhoto.objects.first(), "pk", 1),
        "year": timezone.localdate().year - 1,
        "today": timezone.localdate(),
        "week_ago": timezone.localdate() - timedelta(days=7),
    }
    return World(users=users, ids=ids)


# Which object a URL's parameters name: by the parameter, then by words in the URL's name.
_BY_NAME_WORD = [
    ("registry_entry", "filing"),
    ("totpdevice", "totp_device"),  # django-otp's admin pages answer 500 for a device that does not exist
    ("batch", "batch"),
    ("import", "batch"),
    ("export", "batch"),
    ("plan", "plan"),
    ("certificate", "certificate"),
    ("campaign", "campaign"),
    ("complaint", "complaint"),
    ("report", "report"),
    ("case", "case"),
    ("filing", "filing"),
    ("draw", "draw"),
    ("seat", "seat"),
]
# A selection call's own pages (the call, its lots and objections) are named by the call.
_BY_NAMESPACE_NAME_WORD = {"selection": [("call", "call"), ("lot", "call"), ("objection", "call")]}
_BY_NAMESPACE = {
    "selection": "selection_application",
    "applications": "application",
    "registry": "filing",
    "supervision": "case",
    "filed_body": "filing",
    "certificates": "batch",
    "certificate_review": "batch",
    "draws": "draw",
    "assignments": "seat",
}
_BY_PARAMETER = {
    "task_pk": "task",
    "seat_pk": "seat",
    "doc_pk": "document",
    "draw_pk": "draw",
    "photo_pk": "photo",
    "attachment_pk": "attachment",
    "year": "year",
    "number": "filing_number",
    "token": "certificate_token",
    "child_pk": "roster_member",
    "deficiency_pk": "deficiency",
    "objection_pk": "objection",
    "call_pk": "call",
    "job_pk": "import_job",
    "import_pk": "import_job",
    "export_pk": "export",
    "organisation_pk": "organisation",
}
# Parameters whose object depends on the namespace: a public notice is named by its application's number.
_BY_NAMESPACE_PARAMETER = {
    ("notices", "number"): "application_number",
    ("selections", "number"): "call_number",
}
_LITERAL = {"fmt": "csv", "action": "withdraw", "kind": "filing_certificate", "variant": "pdf"}
_LITERAL_BY_ROUTE = {"applications:child_edit": {"kind": "roster"}, "applications:child_delete": {"kind": "roster"}}


def fill(route_name: str, parameters: list[str], world: World) -> dict:
    namespace, _sep, name = route_name.rpartition(":")
    values = {}
    literals = {**_LITERAL, **_LITERAL_BY_ROUTE.get(route_name, {})}
    for parameter in parameters:
        if parameter in literals:
            values[parameter] = literals[parameter]
            continue
        key = _BY_NAMESPACE_PARAMETER.get((namespace.split(":")[-1], parameter)) or _BY_PARAMETER.get(parameter)
        if key is None and parameter == "pk":
            words = _BY_NAMESPACE_NAME_WORD.get(namespace.split(":")[-1], []) + _BY_NAME_WORD
            key = next((obj for word, obj in words if word in name), None) or _BY_NAMESPACE.get(
                namespace.split(":")[-1], "application"
            )
        values[parameter] = world.ids.get(key, 1) if key else 1
    return values
