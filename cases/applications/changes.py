"""What an applicant changed during a supplement: the application as returned against the application now.

A snapshot is taken when the clerk returns the application (SupplementRound.snapshot); the review of the
resubmission shows, per section, the fields, rows and attachments added, removed, changed or replaced.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from cases.models import Attachment, SkillLevel, TargetPopulation

ADDED, REMOVED, CHANGED, REPLACED = "added", "removed", "changed", "replaced"
CHANGE_LABELS = {ADDED: _("added"), REMOVED: _("removed"), CHANGED: _("changed"), REPLACED: _("replaced")}


def _levels(levels) -> str:
    return "、".join(str(SkillLevel(level).label) for level in sorted(levels) if level in SkillLevel.values)


def snapshot(application) -> dict:
    """The application's sections as plain data (what a later diff compares)."""
    return {
        "target_populations": sorted(
            str(TargetPopulation(code).label)
            for code in application.target_populations
            if code in TargetPopulation.values
        ),
        "scope": {
            str(item.pk): {
                "occupation": str(item.occupation),
                "levels": _levels(item.levels),
                "methods": ",".join(sorted(item.methods)),
                "standard": str(item.get_standard_display()),
                "yearly_capacity": item.yearly_capacity,
            }
            for item in application.scope_items.select_related("occupation")
        },
        "roster": {
            str(member.pk): {
                "role": str(member.get_role_display()),
                "name": member.name,
                "id_number": member.id_number[-4:],
                "occupation": str(member.occupation or ""),
                "qualification": member.qualification,
            }
            for member in application.roster.select_related("occupation")
        },
        "venues": {
            str(venue.pk): {
                "address": venue.address,
                "area_sqm": venue.area_sqm,
                "workstations": venue.workstations,
            }
            for venue in application.venues.all()
        },
        "attachments": {
            str(attachment.pk): {
                "kind": attachment.kind,
                "name": attachment.original_name,
                "sha256": attachment.sha256,
            }
            for attachment in application.attachments.all()
        },
    }


@dataclass
class Change:
    section: str
    kind: str  # ADDED, REMOVED, CHANGED, REPLACED
    what: str  # the row as a reader names it
    details: list[str] = field(default_factory=list)  # "field: before → after"

    @property
    def label(self):
        return CHANGE_LABELS[self.kind]


SECTION_LABELS = {
    "target_populations": _("Target populations"),
    "scope": _("Scope"),
    "roster": _("Examiners and internal supervisors"),
    "venues": _("Venues"),
    "attachments": _("Attachments"),
}


def _row_name(section: str, row: dict) -> str:
    if section == "scope":
        return row["occupation"]
    if section == "roster":
        return f"{row['role']} {row['name']}"
    if section == "venues":
        return row["address"]
    return f"{Attachment.Kind(row['kind']).label}: {row['name']}"


def _rows(section: str, before: dict, after: dict) -> list[Change]:
    changes = []
    for pk, row in after.items():
        if pk not in before:
            changes.append(Change(section, ADDED, _row_name(section, row)))
        elif row != before[pk]:
            details = [
                f"{name}: {before[pk].get(name)} → {value}"
                for name, value in row.items()
                if before[pk].get(name) != value
            ]
            changes.append(Change(section, CHANGED, _row_name(section, row), details))
    changes += [Change(section, REMOVED, _row_name(section, row)) for pk, row in before.items() if pk not in after]
    return changes


def _attachments(before: dict, after: dict) -> list[Change]:
    """An attachment removed and another of the same kind added is a replacement."""
    removed = {pk: row for pk, row in before.items() if pk not in after}
    added = {pk: row for pk, row in after.items() if pk not in before}
    changes = []
    for row in added.values():
        old = next((o for o in removed.values() if o["kind"] == row["kind"]), None)
        if old is not None:
            removed = {o_pk: o for o_pk, o in removed.items() if o is not old}
            changes.append(
                Change("attachments", REPLACED, _row_name("attachments", row), [f"{old['name']} → {row['name']}"])
            )
        else:
            changes.append(Change("attachments", ADDED, _row_name("attachments", row)))
    changes += [Change("attachments", REMOVED, _row_name("attachments", row)) for row in removed.values()]
    return changes


def changes_since(before: dict, application) -> list[Change]:
    """Every change from the snapshot `before` to the application as it is now."""
    after = snapshot(application)
    changes = []
    populations = before.get("target_populations", [])
    if populations != after["target_populations"]:
        detail = f"{'、'.join(populations) or '—'} → {'、'.join(after['target_populations']) or '—'}"
        changes.append(Change("target_populations", CHANGED, str(SECTION_LABELS["target_populations"]), [detail]))
    for section in ("scope", "roster", "venues"):
        changes += _rows(section, before.get(section, {}), after[section])
    changes += _attachments(before.get("attachments", {}), after["attachments"])
    return changes
