"""Action codes recorded in the trail and their labels for timelines and the audit search.

Codes are "<subject>.<verb>"; a code missing here is shown as itself, so recording a new
kind of event never waits for a label.
"""

from django.utils.translation import gettext_lazy as _

LOGIN = "auth.login"
LOGOUT = "auth.logout"
LOGIN_FAILED = "auth.login_failed"
PERMISSION_GRANTED = "permission.granted"
PERMISSION_REVOKED = "permission.revoked"
TRAIL_PURGED = "audit.purged"

ACTION_LABELS = {
    LOGIN: _("Signed in"),
    LOGOUT: _("Signed out"),
    LOGIN_FAILED: _("Failed sign-in"),
    PERMISSION_GRANTED: _("Permission granted"),
    PERMISSION_REVOKED: _("Permission revoked"),
    TRAIL_PURGED: _("Audit trail purged after retention"),
    "application.created": _("Application created"),
    "application.attachment_added": _("Attachment added"),
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
    "assessment.scored": _("Expert score recorded"),
    "inspection.drawn": _("Inspection team drawn"),
    "inspection.redrawn": _("Inspection team member redrawn"),
    "inspection.redraw_failed": _("No replacement inspector could be drawn"),
    "inspection.seat_confirmed": _("Inspector confirmed the seat"),
    "inspection.seat_declined": _("Inspector declined the seat"),
    "inspection.seat_released": _("Inspector released from the team"),
    "inspection.findings_saved": _("Inspection findings recorded"),
    "inspection.signed": _("Inspection report signed"),
    "assessment.drawn": _("Expert panel drawn"),
    "assessment.redrawn": _("Panel expert redrawn"),
    "assessment.redraw_failed": _("No replacement expert could be drawn"),
    "assessment.seat_confirmed": _("Expert confirmed the seat"),
    "assessment.seat_declined": _("Expert declined the seat"),
    "assessment.seat_released": _("Expert released from the panel"),
    "notice.objection_recorded": _("Objection recorded"),
    "notice.objection_resolved": _("Objection resolved"),
    "filing.registered": _("Filing registered"),
    "assessment_plan.created": _("Assessment plan declared"),
    "resultbatch.created": _("Result batch created"),
    "resultbatch.import_started": _("Result import started"),
    "resultbatch.imported": _("Results imported"),
    "resultbatch.submit": _("Result batch submitted"),
    "resultbatch.return_for_fix": _("Result batch returned for correction"),
    "resultbatch.register": _("Result batch registered, certificates issued"),
    "resultbatch.reject": _("Result batch rejected"),
    "resultbatch.export_started": _("Certificate download prepared"),
    "certificate.revoke": _("Certificate revoked"),
    "supervision.opened": _("Case opened"),
    "supervision.plan_inspection": _("Inspection planned"),
    "supervision.dismiss": _("Closed without inspection"),
    "supervision.record_findings": _("Findings recorded"),
    "supervision.close": _("Case closed"),
    "supervision.order_rectification": _("Rectification ordered"),
    "supervision.respond": _("Rectification reported by the body"),
    "supervision.lapse": _("Rectification deadline missed"),
    "supervision.start_sanction": _("Sent to sanction"),
    "supervision.sanction": _("Sanction decided"),
    "filing.suspend": _("Body suspended"),
    "filing.reinstate": _("Suspension lifted"),
    "filing.revoke": _("Filing revoked"),
    "filing.expire": _("Filing expired"),
    "filing.withdraw": _("Filing withdrawn"),
    "filing.scope_suspended": _("Occupation suspended"),
    "filing.scope_reinstated": _("Occupation suspension lifted"),
    "campaign.created": _("Campaign created"),
    "campaign.drawn": _("Bodies and inspectors drawn"),
    "campaign.closed": _("Campaign closed and published"),
    "complaint.recorded": _("Complaint recorded"),
    "annual_report.submitted": _("Annual report submitted"),
    "task.assigned": _("Task assigned"),
    "task.claimed": _("Task claimed"),
    "task.released": _("Task released"),
    "task.reassigned": _("Task reassigned"),
    "task.completed": _("Task completed"),
    "document.generated": _("Document generated"),
    "document.downloaded": _("Document downloaded"),
}


def action_label(code: str):
    """The label for an action code, or the code itself when it has none."""
    return ACTION_LABELS.get(code, code)
