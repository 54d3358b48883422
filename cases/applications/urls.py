"""The area of filing applications: the applicant's drafts and every case page."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext_lazy as _

from cases.applications import views as case_views
from cases.inspections import views as inspection_views
from config.areas import AreaApplication


class ApplicationsApp(AreaApplication):
    """Filing applications: the applicant's drafts and every case page."""

    title = _("Filing applications")
    icon = "assignment"
    app_name = "applications"
    menu_links = [(_("All applications"), "index", "assignment")]
    index_path = path("", case_views.ApplicationListView.as_view(), name="index")
    create_path = path("new/", login_required(case_views.application_create), name="create")
    detail_path = path("<int:pk>/", login_required(case_views.application_detail), name="detail")
    scope_path = path("<int:pk>/scope/", login_required(case_views.scope_add), name="scope_add")
    roster_path = path("<int:pk>/roster/", login_required(case_views.roster_add), name="roster_add")
    venue_path = path("<int:pk>/venues/", login_required(case_views.venue_add), name="venue_add")
    attachment_path = path("<int:pk>/attachments/", login_required(case_views.attachment_add), name="attachment_add")
    populations_path = path(
        "<int:pk>/populations/", login_required(case_views.populations_update), name="populations_update"
    )
    child_edit_path = path(
        "<int:pk>/<str:kind>/<int:child_pk>/edit/", login_required(case_views.child_edit), name="child_edit"
    )
    deficiency_answer_path = path(
        "<int:pk>/deficiencies/<int:deficiency_pk>/answer/",
        login_required(case_views.deficiency_answer),
        name="deficiency_answer",
    )
    attachment_preview_path = path(
        "<int:pk>/attachments/<int:attachment_pk>/preview/",
        login_required(case_views.attachment_preview),
        name="attachment_preview",
    )
    objection_evidence_path = path(
        "<int:pk>/objections/<int:objection_pk>/evidence/",
        login_required(case_views.objection_evidence),
        name="objection_evidence",
    )
    child_delete_path = path(
        "<int:pk>/<str:kind>/<int:child_pk>/delete/", login_required(case_views.child_delete), name="child_delete"
    )
    submit_path = path("<int:pk>/submit/", login_required(case_views.application_submit), name="submit")
    withdraw_path = path("<int:pk>/withdraw/", login_required(case_views.application_withdraw), name="withdraw")
    document_path = path(
        "<int:pk>/documents/<int:doc_pk>/", login_required(case_views.document_download), name="document"
    )
    attachment_file_path = path(
        "<int:pk>/attachments/<int:attachment_pk>/", login_required(case_views.attachment_download), name="attachment"
    )
    inspection_path = path("<int:pk>/inspection/", inspection_views.inspection_page, name="inspection")
    inspection_photo_path = path(
        "<int:pk>/inspection/photos/<int:photo_pk>/<str:variant>/",
        inspection_views.inspection_photo,
        name="inspection_photo",
    )
