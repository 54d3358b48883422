"""Object-level access to registry entries: each helper returns the filing or raises."""

from django.shortcuts import get_object_or_404

from cases.models import Filing
from cases.supervision.access import require_perm


def access_own_filing(user, pk) -> Filing:
    return get_object_or_404(Filing.objects.select_related("organisation").filter(organisation__members=user), pk=pk)


def access_filing(user, pk) -> Filing:
    """A registry entry for the regulator's registry pages."""
    require_perm(user, "cases.view_filing")
    return get_object_or_404(Filing.objects.select_related("organisation__district"), pk=pk)
