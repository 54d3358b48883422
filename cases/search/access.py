from workflow import roles

# The roles that read every case (cases.applications.access.CASE_READERS without the administrator).
SEARCHERS = (roles.CLERK, roles.CHIEF, roles.APPROVER, roles.SUPERVISOR, roles.AUDITOR)


def may_search_cases(user) -> bool:
    return user.is_authenticated and (user.is_superuser or any(roles.has_role(user, role) for role in SEARCHERS))
