"""The documents each step issues, and the one entry point every document goes through.

Two phases (cases.documents.rendering): `document_issue` inside the caller's transaction (the row, its
gap-free number, the frozen content), `document_render(document_id)` after commit (layout, signature,
storage; idempotent). The functions below build each document's context and issue it; with `defer=True`
they leave the rendering to a job started on commit, otherwise they render at once (the interim default).
"""

import base64

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.documents.pdf import qr_png_data_uri
from cases.documents.rendering import (
    DOCUMENT_TITLES,
    document_create,  # noqa: F401 (the one-call path, for callers issuing their own templates)
    document_issue,
    document_render,
)
from cases.models import Attachment, EvaluationMethod, RosterMember, SiteInspection, SkillLevel
from cases.models.documents import GeneratedDocument
from workflow import background
from workflow.calendar import due_date

K = GeneratedDocument.Kind


def document_render_on_commit(document: GeneratedDocument) -> None:
    """Render the document in a background job once the current transaction commits."""
    transaction.on_commit(lambda: background.enqueue("cases.document_render", document.pk))


def _scope_rows(items) -> list[dict]:
    return [
        {
            "occupation": item.occupation.name,
            "code": item.occupation.code,
            "trade": item.occupation.trade,
            "levels": [SkillLevel(level).label for level in sorted(item.levels)],
            "methods": [EvaluationMethod(method).label for method in item.methods],
        }
        for item in items
    ]


def _issue(*, kind, target, template, context, actor, title=None, defer=False, public=True):
    """Issue one document; render it now, or after commit in a job when `defer`."""
    document = document_issue(
        kind=kind,
        target=target,
        template_name=f"documents/{template}.html",
        context=context,
        actor=actor,
        title=title or DOCUMENT_TITLES[kind],
        public=public,
    )
    if defer:
        document_render_on_commit(document)
        return document
    return document_render(document.pk)


def acceptance_notice(*, application, actor, defer=False):
    scope = _scope_rows(application.scope_items.select_related("occupation"))
    return _issue(
        kind=K.ACCEPTANCE_NOTICE,
        target=application,
        template="acceptance_notice",
        context={"application": application, "scope_rows": scope, "organisation": application.organisation},
        actor=actor,
        defer=defer,
    )


def supplement_notice(*, application, actor, deficiencies, defer=False):
    deadline = due_date(timezone.localdate(), "supplement")
    return _issue(
        kind=K.SUPPLEMENT_NOTICE,
        target=application,
        template="supplement_notice",
        context={
            "application": application,
            "organisation": application.organisation,
            "deficiencies": deficiencies,
            "deadline": deadline,
        },
        actor=actor,
        defer=defer,
    )


def rejection_notice(*, application, actor, defer=False):
    return _issue(
        kind=K.REJECTION_NOTICE,
        target=application,
        template="rejection_notice",
        context={
            "application": application,
            "organisation": application.organisation,
            "reasons": application.rejection_reasons,
        },
        actor=actor,
        defer=defer,
    )


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _data_uri(field, content_type: str) -> str:
    with field.open("rb") as stored:
        return f"data:{content_type};base64," + base64.b64encode(stored.read()).decode("ascii")


def inspection_report(*, application, inspection, actor, defer=False):
    findings, photos = [], []
    for f in inspection.findings.prefetch_related("photos__uploaded_by"):
        numbers = []
        for photo in f.photos.all():
            photos.append(
                {
                    "number": len(photos) + 1,
                    "code": f.code,
                    "data_uri": _data_uri(photo.thumbnail, "image/jpeg"),
                    "taken_at": photo.taken_at,
                    "latitude": photo.latitude,
                    "longitude": photo.longitude,
                    "camera": photo.camera,
                    "sha256": photo.sha256,
                    "uploaded_by": _person(photo.uploaded_by),
                }
            )
            numbers.append(str(len(photos)))
        findings.append(
            {
                "code": f.code,
                "text": f.text,
                "weight": f.weight,
                "veto": f.veto,
                "result": f.result,
                "result_label": f.get_result_display(),
                "note": f.note,
                "photo_numbers": numbers,
            }
        )
    Conclusion = SiteInspection.Conclusion
    report = {
        "planned_date": inspection.planned_date,
        "actual_date": inspection.actual_date,
        "actual_date_reason": inspection.actual_date_reason,
        "leader_name": _person(inspection.leader),
        "member_names": [_person(m) for m in inspection.members.order_by("pk") if m.pk != inspection.leader_id],
        "checklist_version": inspection.checklist.version if inspection.checklist_id else None,
        "findings": findings,
        "photos": photos,
        "computed_label": Conclusion(inspection.computed_conclusion).label if inspection.computed_conclusion else "",
        "conclusion_label": Conclusion(inspection.conclusion).label,
        "conclusion_reason": inspection.conclusion_reason,
        "summary": inspection.summary,
        "signed_at": inspection.signed_at,
        "basically_share": settings.INSPECTION_BASICALLY_MEETS_SHARE,
    }
    return _issue(
        kind=K.INSPECTION_REPORT,
        target=application,
        template="inspection_report",
        context={
            "application": application,
            "organisation": application.organisation,
            "inspection": report,
        },
        actor=actor,
        defer=defer,
    )


def assessment_report(*, application, panel, actor, defer=False):
    result = panel.aggregate()
    criteria = list(panel.rubric.criteria.all()) if panel.rubric_id else []
    scores = list(panel.scores.select_related("expert").prefetch_related("criteria"))
    experts = []
    for s in scores:
        by_criterion = {cs.criterion_id: cs for cs in s.criteria.all()}
        items = [
            {
                "code": c.code,
                "points": by_criterion[c.pk].points if c.pk in by_criterion else None,
                "comment": by_criterion[c.pk].comment if c.pk in by_criterion else "",
            }
            for c in criteria
        ]
        experts.append(
            {
                "name": _person(s.expert),
                "total": s.total,
                "comment": s.comment,
                "submitted_at": s.submitted_at,
                "criteria": items,
                "criteria_comments": [item for item in items if item["comment"]],
            }
        )
    criterion_rows = [
        {
            "code": c.code,
            "text": c.text,
            "weight": c.weight,
            "points": [e["criteria"][n]["points"] for e in experts],
        }
        for n, c in enumerate(criteria)
    ]
    return _issue(
        kind=K.ASSESSMENT_REPORT,
        target=application,
        template="assessment_report",
        context={
            "application": application,
            "organisation": application.organisation,
            "experts": experts,
            "criteria": criterion_rows,
            "rubric_version": panel.rubric.version if panel.rubric_id else None,
            "mean": result.mean,
            "pass_mark": panel.pass_mark,
            "passed": result.passed,
            "trimmed": result.trimmed,
            "dropped": result.dropped,
            "trim_from": panel.trim_from,
            "spread": result.spread,
            "highest": result.highest,
            "lowest": result.lowest,
            "disagreement": result.disagreement,
            "margin": panel.disagreement_margin,
        },
        actor=actor,
        defer=defer,
    )


def decision(*, application, actor, decision, defer=False):
    labels = {"approve": _("Approved"), "reject": _("Rejected"), "reinspect": _("Sent back for re-inspection")}
    return _issue(
        kind=K.DECISION,
        target=application,
        template="decision",
        context={
            "application": application,
            "organisation": application.organisation,
            "decision_label": labels[decision],
            "reasons": application.decision_reasons,
            "decided_at": application.decided_at,
            "approver_name": actor.get_full_name() or actor.username,
        },
        actor=actor,
        defer=defer,
    )


def filing_certificate(*, filing, actor, defer=False):
    scope = _scope_rows(filing.scope.select_related("occupation"))
    directory_url = f"{settings.PUBLIC_BASE_URL}/directory/{filing.number}/"
    return _issue(
        kind=K.FILING_CERTIFICATE,
        target=filing,
        template="filing_certificate",
        context={
            "filing": filing,
            "organisation": filing.organisation,
            "scope_rows": scope,
            "qr_data_uri": qr_png_data_uri(directory_url),
            "verify_url": directory_url,
        },
        actor=actor,
        defer=defer,
    )


def submission_receipt(*, application, actor, defer=False):
    """提交回执: what the bureau received, on every submission and resubmission, for the applicant."""
    rounds = application.deficiencies.aggregate(last=Max("round"))["last"] or 0
    roster = list(application.roster.select_related("occupation"))
    return _issue(
        kind=K.SUBMISSION_RECEIPT,
        target=application,
        template="submission_receipt",
        context={
            "application": application,
            "organisation": application.organisation,
            "submission_round": rounds + 1,
            "scope_rows": _scope_rows(application.scope_items.select_related("occupation")),
            "examiners": sum(1 for member in roster if member.role == RosterMember.Role.EXAMINER),
            "supervisors": sum(1 for member in roster if member.role == RosterMember.Role.SUPERVISOR),
            "venues": list(application.venues.all()),
            "attachments": [
                {
                    "kind": Attachment.Kind(item.kind).label,
                    "name": item.original_name,
                    "size": item.size,
                    "sha256": item.sha256,
                }
                for item in application.attachments.all()
            ],
            "received_at": application.submitted_at or timezone.now(),
        },
        actor=actor,
        defer=defer,
    )
