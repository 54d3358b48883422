"""Object-level access to calls and selection applications: each helper returns the object or raises Http404.

Regulators and the auditor read every call and application; an organisation's members their own
applications; an expert the applications they score on a call's panel; the public only published calls.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from cases.models import SelectionApplication, SelectionCall
from workflow import roles

READERS = {roles.CLERK, roles.CHIEF, roles.APPROVER, roles.SUPERVISOR, roles.AUDITOR, roles.ADMIN}
MANAGE = "cases.manage_selectioncall"


def is_reader(user) -> bool:
    return user.is_superuser or bool(READERS & set(roles.roles_of(user)))


def may_manage(user) -> bool:
    return user.has_perm(MANAGE)


def access_call(user, pk) -> SelectionCall:
    """A call as the bureau sees it (drafts too)."""
    if not is_reader(user):
        raise Http404
    return get_object_or_404(SelectionCall.objects.select_related("rubric"), pk=pk)


def access_call_to_manage(user, pk) -> SelectionCall:
    if not may_manage(user):
        raise Http404
    return get_object_or_404(SelectionCall.objects.select_related("rubric"), pk=pk)


def visible_applications(user):
    qs = SelectionApplication.objects.all()
    if is_reader(user):
        return qs
    visible = SelectionApplication.objects.none()
    if user.is_authenticated:
        visible |= qs.filter(organisation__members=user)
        if roles.has_role(user, roles.EXPERT):
            visible |= qs.filter(scores__expert=user)
    return visible.distinct()


def access_application(user, pk) -> SelectionApplication:
    return get_object_or_404(
        visible_applications(user).select_related("call__rubric", "organisation__district", "filing"), pk=pk
    )


def access_own_application(user, pk) -> SelectionApplication:
    """An application of the user's own organisation (for its members' changes)."""
    return get_object_or_404(
        SelectionApplication.objects.select_related("call", "organisation", "filing"),
        pk=pk,
        organisation__members=user,
    )


def access_own_organisation(user):
    organisation = user.organisations.first() if user.is_authenticated else None
    if organisation is None:
        raise Http404("No organisation")
    return organisation
