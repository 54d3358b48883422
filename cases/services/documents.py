"""The documents each step issues: context building around cases.documents.document_create."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.documents import document_create, qr_png_data_uri
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


def inspection_report(*, application, inspection, actor):
    findings = [
        {"code": f.code, "text": f.text, "result_label": f.get_result_display(), "note": f.note}
        for f in inspection.findings.all()
    ]
    report = {
        "planned_date": inspection.planned_date,
        "leader_name": inspection.leader.get_full_name() or inspection.leader.username,
        "member_names": [m.get_full_name() or m.username for m in inspection.members.all()],
        "findings": findings,
        "conclusion_label": SiteInspection.Conclusion(inspection.conclusion).label,
        "signed_at": inspection.signed_at,
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
    experts = [
        {"name": s.expert.get_full_name() or s.expert.username, "total": s.total, "comment": s.comment}
        for s in panel.scores.select_related("expert")
    ]
    mean = panel.result()
    return _issue(
        kind=K.ASSESSMENT_REPORT,
        target=application,
        template="assessment_report",
        context={
            "application": application,
            "organisation": application.organisation,
            "experts": experts,
            "mean": mean,
            "pass_mark": panel.pass_mark,
            "passed": mean >= panel.pass_mark,
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
