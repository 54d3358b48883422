"""The area of the public selection: the bureau's calls and an organisation's applications to them."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from cases.selection import views
from cases.selection.access import READERS
from config.areas import AreaApplication, Link
from workflow import roles


class SelectionApp(AreaApplication):
    """Public selection (遴选): calls, applications, the review's pages outside the task page."""

    title = _("Public selection")
    icon = "how_to_vote"
    app_name = "selection"
    allowed_roles = [*READERS, roles.APPLICANT, roles.EXPERT]  # experts read the applications they score
    menu_links = [
        Link(_("Calls"), "index", "campaign", roles=tuple(READERS)),
        Link(_("Calls to apply to"), "mine", "how_to_vote", roles=(roles.APPLICANT,)),
    ]
    index_path = path("", views.call_list, name="index")
    create_path = path("calls/new/", views.call_create, name="call_create")
    call_path = path("calls/<int:pk>/", views.call_detail, name="call")
    edit_path = path("calls/<int:pk>/edit/", views.call_edit, name="call_edit")
    lot_add_path = path("calls/<int:pk>/lots/", views.lot_add, name="lot_add")
    lot_remove_path = path("calls/<int:pk>/lots/<int:lot_pk>/remove/", views.lot_remove, name="lot_remove")
    publish_path = path("calls/<int:pk>/publish/", views.call_publish, name="call_publish")
    amend_path = path("calls/<int:pk>/amend/", views.call_amend, name="call_amend")
    objection_path = path("calls/<int:pk>/objections/", views.objection_record, name="objection_record")
    resolve_path = path("calls/<int:pk>/objections/resolve/", views.objection_resolve, name="objection_resolve")
    evidence_path = path(
        "calls/<int:pk>/objections/<int:objection_pk>/evidence/", views.objection_evidence, name="objection_evidence"
    )
    call_document_path = path("calls/<int:pk>/documents/<int:doc_pk>/", views.call_document, name="call_document")
    mine_path = path("mine/", views.my_selections, name="mine")
    apply_path = path("calls/<int:call_pk>/apply/", views.apply_to, name="apply")
    application_path = path("applications/<int:pk>/", views.application_detail, name="application")
    scope_path = path("applications/<int:pk>/scope/", views.scope_add, name="scope_add")
    roster_path = path("applications/<int:pk>/roster/", views.roster_add, name="roster_add")
    venue_path = path("applications/<int:pk>/venues/", views.venue_add, name="venue_add")
    attachment_add_path = path("applications/<int:pk>/attachments/", views.attachment_add, name="attachment_add")
    populations_path = path("applications/<int:pk>/populations/", views.populations_update, name="populations_update")
    facts_path = path("applications/<int:pk>/facts/", views.facts_declare, name="facts_declare")
    delete_path = path(
        "applications/<int:pk>/<str:kind>/<int:child_pk>/delete/", views.section_delete, name="section_delete"
    )
    submit_path = path("applications/<int:pk>/submit/", views.application_submit, name="submit")
    withdraw_path = path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw")
    document_path = path(
        "applications/<int:pk>/documents/<int:doc_pk>/", views.application_document, name="application_document"
    )
    attachment_path = path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"
    )
