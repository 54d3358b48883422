"""Roles are Django groups; this module is the one place that says what each may do.

Later features add permissions here and ship a migration that calls `sync_role_groups`
again; the function is idempotent and never removes a permission granted by hand. It also
runs after every `migrate` (post_migrate), so the groups are complete whatever the order.
"""

from django.utils.translation import gettext_lazy as _

APPLICANT = "applicant"
CLERK = "clerk"
CHIEF = "chief"
INSPECTOR = "inspector"
EXPERT = "expert"
APPROVER = "approver"
SUPERVISOR = "supervisor"
AUDITOR = "auditor"
ADMIN = "admin"

ROLE_LABELS = {
    APPLICANT: _("Applicant"),
    CLERK: _("Clerk (completeness review)"),
    CHIEF: _("Section chief"),
    INSPECTOR: _("Inspector"),
    EXPERT: _("Expert"),
    APPROVER: _("Approver"),
    SUPERVISOR: _("Supervisor"),
    AUDITOR: _("Auditor"),
    ADMIN: _("Administrator"),
}
ROLES = list(ROLE_LABELS)
REGULATOR_ROLES = [CLERK, CHIEF, APPROVER, SUPERVISOR]

_REFERENCE = ["cases.view_occupation", "cases.view_district"]

_CALENDAR = [
    "workflow.view_calendaroverride",
    "workflow.add_calendaroverride",
    "workflow.change_calendaroverride",
    "workflow.delete_calendaroverride",
    "workflow.view_steplimit",
    "workflow.change_steplimit",
]
_CASES = ["cases.view_organisation", "cases.view_filingapplication", "cases.view_filing"]
# Failed background jobs: the administrator sees them and queues them again.
_JOBS = ["workflow.view_jobfailure", "workflow.change_jobfailure"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    APPLICANT: _REFERENCE,
    CLERK: _REFERENCE + _CASES + ["cases.review_filingapplication"],
    CHIEF: _REFERENCE + _CASES + _CALENDAR + ["cases.plan_inspection"],
    INSPECTOR: _REFERENCE,
    EXPERT: _REFERENCE,
    APPROVER: _REFERENCE + _CASES + ["cases.decide_filingapplication"],
    SUPERVISOR: _REFERENCE + _CASES,
    AUDITOR: _REFERENCE + _CASES + ["audits.view_auditevent"],
    ADMIN: _REFERENCE
    + _CALENDAR
    + _JOBS
    + [
        "cases.view_organisation",
        "cases.add_organisation",
        "cases.change_organisation",
        "cases.add_occupation",
        "cases.change_occupation",
    ],
}

# Skill-level certificates: regulators read plans, batches and certificates and see the statistics;
# the clerk and the supervisor review and register result batches; the chief and the supervisor may
# revoke a certificate (the issuing body may too, as its own member, without a permission).
_CERTIFICATES_READ = [
    "cases.view_assessmentplan",
    "cases.view_resultbatch",
    "cases.view_certificate",
    "cases.view_certificate_statistics",
]
_CERTIFICATE_PERMISSIONS = {
    CLERK: _CERTIFICATES_READ + ["cases.review_resultbatch"],
    CHIEF: _CERTIFICATES_READ + ["cases.revoke_certificate"],
    APPROVER: _CERTIFICATES_READ,
    SUPERVISOR: _CERTIFICATES_READ + ["cases.review_resultbatch", "cases.revoke_certificate"],
    AUDITOR: _CERTIFICATES_READ,
}
for _role, _extra in _CERTIFICATE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = [*ROLE_PERMISSIONS[_role], *_extra]

# Registry and supervision: the supervisor runs campaigns, records complaints, works supervision
# cases and decides sanctions; other regulators and the auditor read. Inspectors act on the cases
# they are drawn or assigned to, and filed bodies on their own, without a permission.
_SUPERVISION_READ = [
    "cases.view_supervisioncase",
    "cases.view_supervisioncampaign",
    "cases.view_complaint",
    "cases.view_annualreport",
    "cases.view_filingstatuschange",
]
_SUPERVISION_PERMISSIONS = {
    CHIEF: _SUPERVISION_READ,
    APPROVER: _SUPERVISION_READ,
    SUPERVISOR: _SUPERVISION_READ
    + [
        "cases.supervise_filings",
        "cases.sanction_filings",
        "cases.add_supervisioncampaign",
        "cases.add_complaint",
        "cases.change_filing",
    ],
    AUDITOR: _SUPERVISION_READ,
}
for _role, _extra in _SUPERVISION_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = [*ROLE_PERMISSIONS[_role], *_extra]

# Draws: the administrator keeps the pools, the declared relations and the checklist and rubric versions
# (Django admin); the chief and the auditor read them and the draw records. The chief draws through the
# plan_inspection permission (inspection team and expert panel).
_POOL_MODELS = [
    "inspectorprofile",
    "expertprofile",
    "declaredrelation",
    "checklisttemplate",
    "checklistitem",
    "rubric",
    "rubriccriterion",
]
_POOLS_READ = [f"cases.view_{model}" for model in [*_POOL_MODELS, "draw"]]
_POOL_PERMISSIONS = {
    CHIEF: _POOLS_READ,
    AUDITOR: _POOLS_READ,
    ADMIN: _POOLS_READ + [f"cases.{verb}_{model}" for model in _POOL_MODELS for verb in ("add", "change", "delete")],
}
for _role, _extra in _POOL_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = [*ROLE_PERMISSIONS[_role], *_extra]

# REST API: the administrator manages every organisation's API keys and webhooks and the regulator
# service accounts (an organisation's applicant members manage their own without a permission).
ROLE_PERMISSIONS[ADMIN] = [
    *ROLE_PERMISSIONS[ADMIN],
    "api.manage_api_keys",
    "api.view_apikey",
    "api.view_webhookdelivery",
]

# Public selection (遴选): the chief and the administrator create, amend and publish calls (and keep the
# selection rubric versions); the clerk checks eligibility; the chief draws the panel, confirms and concludes;
# regulators and the auditor read. Experts score what they are drawn for, organisations apply as members.
_SELECTION_READ = ["cases.view_selectioncall", "cases.view_selectionapplication", "cases.view_selectionrubric"]
_SELECTION_RUBRIC = [
    f"cases.{verb}_{model}"
    for model in ("selectionrubric", "selectioncriterion")
    for verb in ("add", "change", "delete")
]
_SELECTION_PERMISSIONS = {
    CLERK: _SELECTION_READ + ["cases.check_selection_eligibility"],
    CHIEF: _SELECTION_READ + ["cases.manage_selectioncall", "cases.conduct_selection"],
    APPROVER: _SELECTION_READ,
    SUPERVISOR: _SELECTION_READ,
    AUDITOR: _SELECTION_READ,
    ADMIN: _SELECTION_READ + _SELECTION_RUBRIC + ["cases.manage_selectioncall", "cases.view_selectioncriterion"],
}
for _role, _extra in _SELECTION_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = [*ROLE_PERMISSIONS[_role], *_extra]


def sync_role_groups(apps, schema_editor=None) -> None:
    """Create the role groups and grant each its permissions (usable from migrations)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; create them now so that a
    # fresh database gets its groups filled in the same `migrate` run.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:  # a model migrated later is granted by its own migration
                group.permissions.add(permission)


def roles_of(user) -> list[str]:
    """The user's roles in the order of ROLES (cached on the user for the request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_roles_cache", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = [role for role in ROLES if role in names]
        user._roles_cache = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in roles_of(user)
