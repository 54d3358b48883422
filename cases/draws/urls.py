"""The areas of the draws in the signed-in frontend; listed in config.site's FilingSite."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from cases.draws import views as draw_views
from cases.models import Draw
from config.areas import AreaApplication
from workflow import roles


class AssignmentsApp(AreaApplication):
    """The drawn inspector's or expert's seats and answers. (The inspection page and its photos hang off the
    case, in config.site's ApplicationsApp, since the case readers open them too.)"""

    title = _("Draws")
    icon = "how_to_reg"
    app_name = "assignments"
    allowed_roles = [roles.INSPECTOR, roles.EXPERT]
    menu_links = [(_("My draws"), "index", "how_to_reg"), (_("Checklists and rubrics"), "standards", "checklist")]
    index_path = path("", draw_views.my_seats, name="index")
    confirm_path = path("seats/<int:seat_pk>/confirm/", draw_views.seat_confirm, name="confirm")
    decline_path = path("seats/<int:seat_pk>/decline/", draw_views.seat_decline, name="decline")
    standards_path = path("standards/", draw_views.standards, name="standards")


class DrawsApp(AreaApplication):
    """The chief's and the auditor's view of the draws: history with replay, the pools, the versions."""

    title = _("Pools and draws")
    icon = "casino"
    app_name = "draws"
    allowed_roles = [roles.CHIEF, roles.CLERK, roles.APPROVER, roles.SUPERVISOR, roles.AUDITOR, roles.ADMIN]
    menu_links = [
        (_("Draw history"), "index", "casino"),
        (_("Inspector pool"), "inspectors", "engineering"),
        (_("Expert pool"), "experts", "school"),
        (_("Checklists and rubrics"), "standards", "checklist"),
    ]
    index_path = path("", draw_views.draw_list, name="index")
    detail_path = path("<int:draw_pk>/", draw_views.draw_detail, name="detail")
    inspectors_path = path("pools/inspectors/", draw_views.pool, {"kind": Draw.Kind.TEAM.value}, name="inspectors")
    experts_path = path("pools/experts/", draw_views.pool, {"kind": Draw.Kind.PANEL.value}, name="experts")
    standards_path = path("standards/", draw_views.standards, name="standards")
    release_path = path("seats/<int:seat_pk>/release/", draw_views.seat_release, name="release")
    redraw_path = path("seats/<int:seat_pk>/redraw/", draw_views.seat_redraw, name="redraw")
