"""Scopes: what a key may do. Object-level access stays with the access helpers of cases/."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from api.models import ApiKey


class HasScope(BasePermission):
    """The view's `required_scope` must be among the key's scopes; a signed-in session has its roles only."""

    message = _("This API key does not have the scope this request needs.")

    def has_permission(self, request, view):
        scope = getattr(view, "required_scope", None)
        if scope is None:
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        if isinstance(request.auth, ApiKey):
            return scope in request.auth.scopes
        return True
