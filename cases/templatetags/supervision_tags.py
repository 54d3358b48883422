"""Labels for the registry's and supervision's audit events and states, in the user's language."""

from django import template
from django.utils.translation import gettext_lazy as _

from cases.models import CaseState, Filing, SkillLevel

register = template.Library()

ACTION_LABELS = {
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
}
STATE_LABELS = {**dict(CaseState.choices), **dict(Filing.Status.choices)}


@register.filter
def event_label(event) -> str:
    label = ACTION_LABELS.get(event.action)
    return str(label) if label is not None else event.action_label


@register.filter
def state_label(code: str) -> str:
    return str(STATE_LABELS.get(code, code or "–"))


@register.filter
def level_label(level) -> str:
    return str(SkillLevel(int(level)).label) if str(level).isdigit() and int(level) in SkillLevel.values else ""
