"""Object-level access to supervision records: each helper returns the object or raises Http404.

Regulators with the read permission see every case; inspectors the cases they are on; a filed body
only its own (and never the complaint behind a case). Another organisation's id is a 404."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from cases.models import CaseState, RectificationOrder, SupervisionCampaign, SupervisionCase
from workflow import roles

READ_CASES = "cases.view_supervisioncase"


SUPERVISE = "cases.supervise_filings"


def require_perm(user, perm: str) -> None:
    """Wrong role on a regulator page: 403 (anonymous users never get here, the views need a login)."""
    if not user.has_perm(perm):
        raise PermissionDenied


def visible_cases(user) -> QuerySet[SupervisionCase]:
    qs = SupervisionCase.objects.all()
    if user.has_perm(READ_CASES):
        return qs
    if roles.has_role(user, roles.INSPECTOR):
        return qs.filter(inspectors=user).distinct()
    return qs.none()


def access_case(user, pk) -> SupervisionCase:
    return get_object_or_404(visible_cases(user).select_related("filing__organisation__district", "campaign"), pk=pk)


def own_cases(user) -> QuerySet[SupervisionCase]:
    """The cases about the user's own organisation that the body may know of.

    Inspections may be unannounced: a case shows once the inspection has taken place (findings
    recorded); a case closed without inspection (a complaint without grounds) never shows.
    """
    return (
        SupervisionCase.objects.filter(filing__organisation__members=user)
        .exclude(state__in=[CaseState.OPENED, CaseState.INSPECTING])
        .exclude(outcome=SupervisionCase.Outcome.DISMISSED)
    )


def access_own_case(user, pk) -> SupervisionCase:
    """A case about the user's own organisation (the filed body's view)."""
    return get_object_or_404(own_cases(user).select_related("filing__organisation__district"), pk=pk)


def access_own_order(user, case_pk, order_pk) -> RectificationOrder:
    case = access_own_case(user, case_pk)
    return get_object_or_404(RectificationOrder, pk=order_pk, case=case)


def access_campaign(user, pk) -> SupervisionCampaign:
    require_perm(user, "cases.view_supervisioncampaign")
    return get_object_or_404(SupervisionCampaign, pk=pk)
