"""The clerk's completeness checklist (受理审查表): the items every application must hold.

Each item is marked present, missing or wrong (with a note); the items marked missing or wrong are the
deficiencies of a return for supplement, and an attachment item asks for a new document of its kind.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases.models import Attachment, RosterMember

PRESENT, MISSING, WRONG = "present", "missing", "wrong"
VERDICTS = [(PRESENT, _("Present")), (MISSING, _("Missing")), (WRONG, _("Wrong"))]


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: object
    attachment_kind: str = ""  # the document a deficiency of this item asks for


def check_items() -> list[CheckItem]:
    return [
        CheckItem("scope", _("Scope: occupations, levels, methods and capacity")),
        CheckItem("populations", _("Target populations")),
        CheckItem("examiners", _("Examiners for every occupation")),
        CheckItem("supervisors", _("Internal supervisors")),
        CheckItem("venues", _("Assessment venues")),
        *(
            CheckItem(f"attachment:{kind}", Attachment.Kind(kind).label, attachment_kind=kind)
            for kind in Attachment.REQUIRED
        ),
    ]


def item_by_key(key: str) -> CheckItem | None:
    return next((item for item in check_items() if item.key == key), None)


def presence(application) -> dict[str, str]:
    """What the application holds for each item now: present or missing (the clerk judges "wrong")."""
    scope = list(application.scope_items.all())
    roster = list(application.roster.all())
    examined = {m.occupation_id for m in roster if m.role == RosterMember.Role.EXAMINER}
    kinds = set(application.attachments.values_list("kind", flat=True))
    held = {
        "scope": bool(scope),
        "populations": bool(application.target_populations),
        "examiners": bool(scope) and all(item.occupation_id in examined for item in scope),
        "supervisors": any(m.role == RosterMember.Role.SUPERVISOR for m in roster),
        "venues": application.venues.exists(),
        **{f"attachment:{kind}": kind in kinds for kind in Attachment.REQUIRED},
    }
    return {key: PRESENT if value else MISSING for key, value in held.items()}


def deficiency_text(item: CheckItem, verdict: str, note: str) -> str:
    """The deficiency an item marked missing or wrong becomes, as the applicant reads it."""
    state = _("missing") if verdict == MISSING else _("wrong")
    text = f"{item.label}: {state}"
    return f"{text} — {note.strip()}" if note.strip() else text
