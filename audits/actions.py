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
    "notice.objection_recorded": _("Objection recorded"),
    "notice.objection_resolved": _("Objection resolved"),
    "filing.registered": _("Filing registered"),
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
