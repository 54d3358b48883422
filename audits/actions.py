"""Action codes recorded in the trail, their labels in words, and the words for what an event is about.

Codes are "<subject>.<verb>"; a code missing here is shown as itself, so recording a new kind of event
never waits for a label (tests/audits/test_words.py fails until it has one).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LOGIN = "auth.login"
LOGOUT = "auth.logout"
LOGIN_FAILED = "auth.login_failed"
PERMISSION_GRANTED = "permission.granted"
PERMISSION_REVOKED = "permission.revoked"
TRAIL_PURGED = "audit.purged"
TRAIL_EXPORTED = "audit.exported"

ACTION_LABELS = {
    # Signing in and accounts (cases.accounts, audits.signals)
    LOGIN: _("Signed in"),
    LOGOUT: _("Signed out"),
    LOGIN_FAILED: _("Failed sign-in"),
    "auth.locked_out": _("Locked out after failed sign-ins"),
    "auth.unlocked": _("Lockout lifted"),
    "auth.password_changed": _("Password changed"),
    "auth.password_set_by_admin": _("Password set by an administrator"),
    "auth.two_factor_enrolled": _("Two-factor sign-in set up"),
    "auth.two_factor_verified": _("Second factor accepted"),
    "auth.two_factor_failed": _("Wrong second factor"),
    "auth.recovery_code_used": _("Recovery code used"),
    "auth.recovery_codes_created": _("New recovery codes created"),
    "auth.signed_out_everywhere": _("Signed out of every session"),
    "auth.session_expired": _("Session expired"),
    PERMISSION_GRANTED: _("Permission granted"),
    PERMISSION_REVOKED: _("Permission revoked"),
    # The audit trail itself
    TRAIL_PURGED: _("Audit trail purged after retention"),
    TRAIL_EXPORTED: _("Audit search exported"),
    # REST API
    "api.account_created": _("API service account created"),
    "api.key_created": _("API key created"),
    "api.key_revoked": _("API key revoked"),
    "api.key_used": _("API key used"),
    "api.key_refused": _("API key refused"),
    "api.webhook_created": _("Webhook created"),
    "api.webhook_disabled": _("Webhook disabled"),
    # Filing applications
    "application.created": _("Application created"),
    "application.populations_changed": _("Target populations changed"),
    "application.row_added": _("Row added to the application"),
    "application.row_changed": _("Row of the application changed"),
    "application.scope_removed": _("Occupation removed from the scope"),
    "application.roster_removed": _("Person removed from the roster"),
    "application.venue_removed": _("Venue removed"),
    "application.attachment_added": _("Attachment added"),
    "application.attachment_removed": _("Attachment deleted"),
    "application.deficiency_answered": _("Deficiency answered"),
    "application.submit": _("Application submitted"),
    "application.submitted": _("Application submitted"),
    "application.return_for_supplement": _("Returned for supplement"),
    "application.returned": _("Returned for supplement"),
    "application.accept": _("Application accepted"),
    "application.accepted": _("Application accepted"),
    "application.reject": _("Application rejected"),
    "application.rejected": _("Application rejected"),
    "application.withdraw": _("Application withdrawn"),
    "application.withdrawn": _("Application withdrawn"),
    "application.plan_inspection": _("Site inspection planned"),
    "application.reinspect": _("Sent back to site inspection"),
    "application.finish_inspection": _("Site inspection completed"),
    "application.inspected": _("Site inspection completed"),
    "application.finish_assessment": _("Expert assessment completed"),
    "application.approve": _("Approved, public notice started"),
    "application.decided": _("Decision made"),
    "application.register": _("Filed"),
    "application.filed": _("Filed"),
    "notice.objection_submitted": _("Objection submitted online"),
    "notice.objection_recorded": _("Objection recorded"),
    "notice.objection_resolved": _("Objection resolved"),
    # Draws, inspections, assessments
    "inspection.drawn": _("Inspection team drawn"),
    "inspection.redrawn": _("Inspection team member redrawn"),
    "inspection.redraw_failed": _("No replacement inspector could be drawn"),
    "inspection.seat_confirmed": _("Inspector confirmed the seat"),
    "inspection.seat_declined": _("Inspector declined the seat"),
    "inspection.seat_released": _("Inspector released from the team"),
    "inspection.findings_saved": _("Inspection findings recorded"),
    "inspection.actual_date_recorded": _("Actual inspection date recorded"),
    "inspection.signed": _("Inspection report signed"),
    "assessment.drawn": _("Expert panel drawn"),
    "assessment.redrawn": _("Panel expert redrawn"),
    "assessment.redraw_failed": _("No replacement expert could be drawn"),
    "assessment.seat_confirmed": _("Expert confirmed the seat"),
    "assessment.seat_declined": _("Expert declined the seat"),
    "assessment.seat_released": _("Expert released from the panel"),
    "assessment.scored": _("Expert score recorded"),
    # Registry
    "filing.registered": _("Filing registered"),
    "filing.suspend": _("Body suspended"),
    "filing.reinstate": _("Suspension lifted"),
    "filing.revoke": _("Filing revoked"),
    "filing.expire": _("Filing expired"),
    "filing.withdraw": _("Filing withdrawn"),
    "filing.scope_suspended": _("Occupation suspended"),
    "filing.scope_reinstated": _("Occupation suspension lifted"),
    # Certificates
    "assessment_plan.created": _("Assessment plan declared"),
    "resultbatch.created": _("Result batch created"),
    "resultbatch.import_started": _("Result import started"),
    "resultbatch.imported": _("Results imported"),
    "resultbatch.submit": _("Result batch submitted"),
    "resultbatch.return_for_fix": _("Result batch returned for correction"),
    "resultbatch.register": _("Result batch registered, certificates issued"),
    "resultbatch.reject": _("Result batch rejected"),
    "resultbatch.export_started": _("Certificate download prepared"),
    "resultbatch.exports_withdrawn": _("Certificate downloads withdrawn"),
    "certificate.revoke": _("Certificate revoked"),
    # Supervision
    "supervision.opened": _("Case opened"),
    "supervision.plan_inspection": _("Inspection planned"),
    "supervision.dismiss": _("Closed without inspection"),
    "supervision.actual_date_recorded": _("Actual inspection date recorded"),
    "supervision.record_findings": _("Findings recorded"),
    "supervision.close": _("Case closed"),
    "supervision.order_rectification": _("Rectification ordered"),
    "supervision.respond": _("Rectification reported by the body"),
    "supervision.lapse": _("Rectification deadline missed"),
    "supervision.start_sanction": _("Sent to sanction"),
    "supervision.sanction": _("Sanction decided"),
    "campaign.created": _("Campaign created"),
    "campaign.drawn": _("Bodies and inspectors drawn"),
    "campaign.closed": _("Campaign closed and published"),
    "supervisioncampaign.record_draw": _("Bodies and inspectors drawn"),
    "supervisioncampaign.close": _("Campaign closed and published"),
    "complaint.recorded": _("Complaint recorded"),
    "annual_report.submitted": _("Annual report submitted"),
    # Public selection
    "selectioncall.created": _("Selection call created"),
    "selectioncall.amended": _("Selection call amended"),
    "selectioncall.publish": _("Selection call published"),
    "selectioncall.confirm_list": _("Selection list confirmed and published"),
    "selectioncall.conclude": _("Selection concluded"),
    "selectionapplication.created": _("Selection application created"),
    "selectionapplication.declared": _("Selection facts declared"),
    "selectionapplication.submit": _("Selection application submitted"),
    "selectionapplication.withdraw": _("Selection application withdrawn"),
    "selectionapplication.find_eligible": _("Found eligible for the selection"),
    "selectionapplication.find_ineligible": _("Found ineligible for the selection"),
    "selectionapplication.select": _("Selected"),
    "selectionapplication.reject": _("Not selected"),
    "selection.panel_drawn": _("Selection panel drawn"),
    "selection.scored": _("Selection score recorded"),
    "selection.result": _("Selection result computed"),
    "selection.removed_from_list": _("Removed from the selection list"),
    "selection.objection_submitted": _("Objection to the selection list submitted online"),
    "selection.objection_recorded": _("Objection to the selection list recorded"),
    "selection.objection_resolved": _("Objection to the selection list resolved"),
    # Tasks and documents
    "task.assigned": _("Task assigned"),
    "task.claimed": _("Task claimed"),
    "task.released": _("Task released"),
    "task.reassigned": _("Task reassigned"),
    "task.completed": _("Task completed"),
    "task.escalated": _("Overdue task escalated"),
    "document.generated": _("Document generated"),
    "document.downloaded": _("Document downloaded"),
}

# The groups of the action list on the search page, by the code's first word.
ACTION_GROUPS = {
    "auth": _("Signing in"),
    "permission": _("Signing in"),
    "audit": _("Audit trail"),
    "api": _("REST API"),
    "application": _("Filing applications"),
    "notice": _("Filing applications"),
    "inspection": _("Site inspections"),
    "assessment": _("Expert assessments"),
    "filing": _("Registry"),
    "assessment_plan": _("Skill-level certificates"),
    "resultbatch": _("Skill-level certificates"),
    "certificate": _("Skill-level certificates"),
    "supervision": _("Supervision"),
    "campaign": _("Supervision"),
    "supervisioncampaign": _("Supervision"),
    "complaint": _("Supervision"),
    "annual_report": _("Supervision"),
    "selectioncall": _("Public selection"),
    "selectionapplication": _("Public selection"),
    "selection": _("Public selection"),
    "task": _("Tasks"),
    "document": _("Documents"),
}


def action_label(code: str):
    """The label for an action code, or the code itself when it has none."""
    return ACTION_LABELS.get(code, code)


def action_choices() -> list:
    """The labelled actions grouped for a select list: [(group, [(code, label), ...]), ...], each sorted by label."""
    groups: dict[str, list] = {}
    for code, label in ACTION_LABELS.items():
        group = str(ACTION_GROUPS.get(code.partition(".")[0], _("Other")))
        groups.setdefault(group, []).append((code, str(label)))
    return [(group, sorted(rows, key=lambda row: row[1])) for group, rows in groups.items()]


@dataclass(frozen=True)
class ObjectKind:
    """What an event's object is called, the field that names one (its number), and its page (a URL name
    taking the primary key), for the sentences of the audit search."""

    noun: object
    name_field: str = ""
    url_name: str = ""


OBJECT_KINDS = {
    "cases.filingapplication": ObjectKind(_("application"), "number", "applications:detail"),
    "cases.filing": ObjectKind(_("filing"), "number", "registry:filing"),
    "cases.supervisioncase": ObjectKind(_("supervision case"), "number", "supervision:case"),
    "cases.supervisioncampaign": ObjectKind(_("random campaign"), "number", "registry:campaign"),
    "cases.assessmentplan": ObjectKind(_("assessment plan"), "number", "certificates:plan_detail"),
    "cases.resultbatch": ObjectKind(_("result batch"), "number", "certificates:batch_detail"),
    "cases.certificate": ObjectKind(_("certificate"), "number", "certificates:certificate_detail"),
    "cases.selectioncall": ObjectKind(_("selection call"), "number", "selection:call"),
    "cases.selectionapplication": ObjectKind(_("selection application"), "number", "selection:application"),
    "cases.organisation": ObjectKind(_("organisation"), "name"),
    "cases.complaint": ObjectKind(_("complaint")),
    "cases.annualreport": ObjectKind(_("annual report"), "", "registry:report"),
    "auth.user": ObjectKind(pgettext_lazy("audit object", "user"), "username"),
    "auth.group": ObjectKind(_("role"), "name"),
    "auth.address": ObjectKind(_("client address")),
    "viewflow.task": ObjectKind(_("task")),
}

# The numbered objects a search by number looks among (each number field is unique).
NUMBERED = [object_type for object_type, kind in OBJECT_KINDS.items() if kind.name_field == "number"]

# The words for the keys of an event's data; other keys are shown as they are.
DATA_LABELS = {
    "step": _("step"),
    "to": _("to"),
    "from": _("from"),
    "round": _("round"),
    "resubmission": _("resubmission"),
    "deficiencies": _("deficiencies"),
    "deficiency": _("deficiency"),
    "text": _("text"),
    "reason": _("reason"),
    "reasons": _("reasons"),
    "note": _("note"),
    "stage": _("stage"),
    "date": _("date"),
    "draw": _("draw"),
    "seed": _("seed"),
    "digest": _("digest"),
    "selected": _("drawn"),
    "eligible": _("eligible"),
    "excluded": _("excluded"),
    "replaces": _("replaces"),
    "checklist": _("checklist version"),
    "seat": _("seat"),
    "role": _("role"),
    "inspection": _("inspection"),
    "computed": _("computed conclusion"),
    "conclusion": _("conclusion"),
    "items": _("items"),
    "photos": _("photos"),
    "panel": _("panel"),
    "result": _("result"),
    "spread": _("spread"),
    "trimmed": _("highest and lowest dropped"),
    "disagreement": _("disagreement"),
    "filing": _("filing"),
    "plan": _("assessment plan"),
    "occupation": _("occupation"),
    "level": _("level"),
    "expected": _("expected candidates"),
    "results_due": _("results due"),
    "name": _("file name"),
    "sha256": _("SHA-256"),
    "size": _("size (bytes)"),
    "rows": _("rows"),
    "passed": _("passed"),
    "candidates": _("candidates"),
    "late": _("late"),
    "certificates": _("certificates"),
    "first": _("first"),
    "last": _("last"),
    "kind": _("kind"),
    "groups": _("roles"),
    "permissions": _("permissions"),
    "username": _("user name"),
    "sessions": _("sessions"),
    "recovery_codes": _("recovery codes"),
    "remaining": _("remaining"),
    "outcome": _("outcome"),
    "deadline": _("deadline"),
    "prefix": _("key prefix"),
    "url": _("address"),
    "kinds": _("kinds"),
    "organisation": _("organisation"),
    "objection": _("objection"),
    "number": _("number"),
    "call": _("call"),
    "filters": _("filters"),
}
