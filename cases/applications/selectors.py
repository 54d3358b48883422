"""Reads of a case for the reviewers' pages: the material a decision is made on, shown beside its form."""

from cases.assessments.selectors import panel_view
from cases.inspections.selectors import inspection_view


def case_material(*, application, user) -> dict:
    """The application's sections, its attachments (previewed inline), the inspection and the panel, and the
    earlier supplement rounds, in a constant number of queries."""
    return {
        "material_scope": list(application.scope_items.select_related("occupation")),
        "material_roster": list(application.roster.select_related("occupation")),
        "material_venues": list(application.venues.all()),
        "material_attachments": list(application.attachments.all()),
        "material_deficiencies": list(application.deficiencies.select_related("reply_attachment")),
        "material_objections": list(application.objections.all()),
        "material_inspection": inspection_view(application=application, user=user),
        "material_panel": panel_view(application=application, user=user),
    }
