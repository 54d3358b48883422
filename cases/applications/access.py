"""Object-level access: each helper returns the object or raises Http404.

A 404 (not 403) for other organisations' records, so ids cannot be probed.
"""

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404

from cases.models import DrawSeat, ExpertPanel, FilingApplication, Organisation, SiteInspection
from workflow import roles

# Roles that see every case (read access); acting is still limited by the task they hold.
CASE_READERS = {roles.CLERK, roles.CHIEF, roles.APPROVER, roles.SUPERVISOR, roles.AUDITOR, roles.ADMIN}


def is_case_reader(user) -> bool:
    return user.is_superuser or bool(CASE_READERS & set(roles.roles_of(user)))


def visible_applications(user):
    """The applications a user may open, as a queryset (used by lists and the access helper).

    A drawn inspector or expert opens the case file only once their seat is confirmed (the declaration of no
    conflict of interest); until then they see the organisation's name and the date on their seat alone.
    Teams and panels formed before draws existed have no seats: their members read the case.
    """
    qs = FilingApplication.objects.all()
    if is_case_reader(user):
        return qs
    filters = FilingApplication.objects.none()
    if roles.has_role(user, roles.APPLICANT):
        filters |= qs.filter(organisation__members=user)
    if roles.has_role(user, roles.INSPECTOR) or roles.has_role(user, roles.EXPERT):
        confirmed = DrawSeat.objects.filter(
            user=user, status=DrawSeat.Status.CONFIRMED, draw__application=OuterRef("pk")
        )
        filters |= qs.filter(Exists(confirmed))
    if roles.has_role(user, roles.INSPECTOR):
        undrawn = SiteInspection.objects.filter(application=OuterRef("pk"), members=user, draws__isnull=True)
        filters |= qs.filter(Exists(undrawn))
    if roles.has_role(user, roles.EXPERT):
        undrawn = ExpertPanel.objects.filter(application=OuterRef("pk"), scores__expert=user, draws__isnull=True)
        filters |= qs.filter(Exists(undrawn))
    return filters.distinct()


def may_read_case(user, application) -> bool:
    """Whether the user may read this case file (the task page's material too)."""
    return visible_applications(user).filter(pk=application.pk).exists()


def access_application(user, pk) -> FilingApplication:
    return get_object_or_404(visible_applications(user).select_related("organisation__district"), pk=pk)


def access_own_application(user, pk) -> FilingApplication:
    """An application of the user's own organisation (for the applicant's edits)."""
    return get_object_or_404(
        FilingApplication.objects.select_related("organisation"), pk=pk, organisation__members=user
    )


def access_own_organisation(user) -> Organisation:
    organisation = user.organisations.first()
    if organisation is None:
        raise Http404("No organisation")
    return organisation
