"""The documents each step issues: context building around cases.documents.rendering.document_create."""

import base64

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.documents.rendering import document_create, qr_png_data_uri
from cases.models import EvaluationMethod, SiteInspection, SkillLevel
from cases.models.documents import GeneratedDocument
from workflow.calendar import due_date

K = GeneratedDocument.Kind


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


def _issue(*, kind, target, template, context, actor, title):
    context.setdefault("doc_number", f"{getattr(target, 'number', target.pk)}-{kind}")
    return document_create(
        kind=kind, target=target, template_name=f"documents/{template}.html", context=context, actor=actor, title=title
    )


def acceptance_notice(*, application, actor):
    scope = _scope_rows(application.scope_items.select_related("occupation"))
    return _issue(
        kind=K.ACCEPTANCE_NOTICE,
        target=application,
        template="acceptance_notice",
        context={"application": application, "scope_rows": scope, "organisation": application.organisation},
        actor=actor,
        title=_("Acceptance notice"),
    )


def supplement_notice(*, application, actor, deficiencies):
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
        title=_("Supplement notice"),
    )


def rejection_notice(*, application, actor):
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
        title=_("Rejection notice"),
    )


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _data_uri(field, content_type: str) -> str:
    with field.open("rb") as stored:
        return f"data:{content_type};base64," + base64.b64encode(stored.read()).decode("ascii")


def inspection_report(*, application, inspection, actor):
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
        title=_("Site inspection report"),
    )


def assessment_report(*, application, panel, actor):
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
        title=_("Expert assessment report"),
    )


def decision(*, application, actor, decision):
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
        title=_("Decision"),
    )


def filing_certificate(*, filing, actor):
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
            "doc_number": filing.number,
        },
        actor=actor,
        title=_("Filing certificate"),
    )
