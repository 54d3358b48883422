from workflow import roles


def can_view_audit_trail(user) -> bool:
    """Auditors (and superusers) may search the whole trail."""
    return user.is_authenticated and (user.is_superuser or roles.has_role(user, roles.AUDITOR))
