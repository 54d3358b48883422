"""The access matrix: every URL the resolver knows, requested by every role with the parameters filled with
another organisation's objects (or a case the inspector and the expert were never drawn for); each role gets
exactly what POLICY says. A URL without an entry in POLICY fails the test.

POLICY maps a URL name (or a route prefix ending in "/*") to the roles allowed, as a space-separated string:
"public" (everyone, anonymous too), "signed-in" (every role), "nobody", or role names. "Allowed" means the
view answered (2xx, a redirect elsewhere than the login page, a 400 form error); "denied" is 401, 403, 404 or
a redirect to the login page. POST-only views are posted to with no data.

MATRIX_PRINT=1 prints the table as observed, to paste when a URL is added (after checking it is right).
"""

import os
import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.security.matrix_world import ROLES, build_world, fill, url_patterns

pytestmark = pytest.mark.django_db(transaction=False)

REGULATORS = "clerk chief approver supervisor auditor"
READERS_OF_SUPERVISION = "chief approver supervisor auditor"

# Writes posted with no data: "allowed" means the view got as far as its form (200/302/400) and no further;
# who may really write is checked in the services and tested by each capability. An id that names nothing
# for every role (no such object in this world) shows as "nobody".
POLICY: dict[str, str] = {
    # The Django admin: staff only (the demo admin is a superuser); listed below, the pages nobody reaches
    # with these parameters (add/delete of append-only or generated rows) and the login/logout pages.
    "admin/*": "admin",
    "accounts:index": "signed-in",
    "accounts:recovery_codes": "nobody",
    "accounts:sign_out_everywhere": "nobody",
    "admin:audits_auditevent_add": "nobody",
    "admin:audits_auditevent_delete": "nobody",
    "admin:autocomplete": "nobody",
    "admin:axes_accessattempt_add": "nobody",
    "admin:axes_accessfailurelog_add": "nobody",
    "admin:axes_accesslog_add": "nobody",
    "admin:cases_checklisttemplate_delete": "nobody",
    "admin:cases_draw_add": "nobody",
    "admin:cases_draw_delete": "nobody",
    "admin:cases_rubric_delete": "nobody",
    "admin:cases_selectionrubric_delete": "nobody",
    "admin:login": "public",
    "admin:logout": "anonymous applicant clerk chief inspector expert approver supervisor auditor",
    "admin:view_on_site": "nobody",
    "admin:viewflow_process_add": "nobody",
    "admin:viewflow_task_add": "nobody",
    "admin:workflow_jobfailure_add": "nobody",
    "admin:workflow_notification_add": "nobody",
    "admin:workflow_notification_delete": "nobody",
    "admin:workflow_taskdeadline_add": "nobody",
    "admin:workflow_taskdeadline_delete": "nobody",
    "api:application": "clerk chief approver supervisor auditor admin",
    "api:applications": "signed-in",
    "api:batch": "clerk chief approver supervisor auditor admin",
    "api:batch_file": "signed-in",
    "api:batch_rows": "signed-in",
    "api:batch_submit": "nobody",
    "api:batches": "signed-in",
    "api:bodies": "public",
    "api:body": "public",
    "api:campaign": "nobody",
    "api:campaigns": "public",
    "api:cases": "signed-in",
    "api:certificate": "clerk chief approver supervisor auditor admin",
    "api:certificate_pdf": "clerk chief approver supervisor auditor admin",
    "api:certificates": "signed-in",
    "api:filing": "clerk chief approver supervisor auditor admin",
    "api:filings": "signed-in",
    "api:import_report": "clerk chief approver supervisor auditor admin",
    "api:order": "nobody",
    "api:order_answer": "nobody",
    "api:orders": "signed-in",
    "api:plan": "clerk chief approver supervisor auditor admin",
    "api:plans": "signed-in",
    "api:registry": "clerk chief approver supervisor auditor admin",
    "api:registry_entry": "clerk chief approver supervisor auditor admin",
    "api:statistics": "clerk chief approver supervisor auditor admin",
    "api:verify": "public",
    "api_docs:redoc": "public",
    "api_docs:schema": "public",
    "api_docs:swagger": "public",
    "api_keys:account_create": "applicant admin",
    "api_keys:account_key": "nobody",
    "api_keys:index": "applicant admin",
    "api_keys:key_create": "admin",
    "api_keys:key_revoke": "nobody",
    "api_keys:webhook_create": "admin",
    "api_keys:webhook_disable": "nobody",
    "api_keys:webhooks": "applicant admin",
    "applications:attachment": "clerk chief approver supervisor auditor admin",
    "applications:attachment_add": "nobody",
    "applications:attachment_preview": "clerk chief approver supervisor auditor admin",
    "applications:child_delete": "nobody",
    "applications:child_edit": "nobody",
    "applications:create": "applicant",
    "applications:deficiency_answer": "nobody",
    "applications:detail": "clerk chief approver supervisor auditor admin",
    "applications:document": "clerk chief approver supervisor auditor admin",
    "applications:index": "signed-in",
    "applications:inspection": "clerk chief approver supervisor auditor admin",
    "applications:inspection_photo": "nobody",
    "applications:objection_evidence": "nobody",
    "applications:populations_update": "nobody",
    "applications:roster_add": "nobody",
    "applications:scope_add": "nobody",
    "applications:submit": "nobody",
    "applications:venue_add": "nobody",
    "applications:withdraw": "nobody",
    "assignments:confirm": "nobody",
    "assignments:decline": "nobody",
    "assignments:index": "inspector expert admin",
    "assignments:standards": "inspector expert admin",
    "audits:export": "auditor admin",
    "audits:index": "auditor admin",
    "audits:search": "auditor admin",
    "body:case": "nobody",
    "body:document": "nobody",
    "body:evidence": "nobody",
    "body:index": "applicant",
    "body:report": "nobody",
    "body:respond": "nobody",
    "certificate_review:archive": "clerk chief approver supervisor auditor admin",
    "certificate_review:inbox": "clerk chief approver supervisor auditor admin",
    "certificate_review:index": "clerk chief approver supervisor auditor admin",
    "certificate_review:queue": "clerk chief approver supervisor auditor admin",
    "certificate_review:statistics": "clerk chief approver supervisor auditor admin",
    "certificate_review:statistics_csv": "clerk chief approver supervisor auditor admin",
    "certificate_review:task": "nobody",
    "certificates:batch_create": "clerk chief approver supervisor auditor admin",
    "certificates:batch_detail": "clerk chief approver supervisor auditor admin",
    "certificates:batch_import": "nobody",
    "certificates:batch_list": "applicant clerk chief approver supervisor auditor admin",
    "certificates:batch_submit": "nobody",
    "certificates:batch_template": "clerk chief approver supervisor auditor admin",
    "certificates:certificate_detail": "clerk chief approver supervisor auditor admin",
    "certificates:certificate_list": "applicant clerk chief approver supervisor auditor admin",
    "certificates:certificate_pdf": "clerk chief approver supervisor auditor admin",
    "certificates:certificate_revoke": "clerk chief approver supervisor auditor admin",
    "certificates:export_download": "nobody",
    "certificates:export_progress": "clerk chief approver supervisor auditor admin",
    "certificates:export_start": "clerk chief approver supervisor admin",
    "certificates:import_problems": "clerk chief approver supervisor auditor admin",
    "certificates:import_progress": "clerk chief approver supervisor auditor admin",
    "certificates:index": "applicant clerk chief approver supervisor auditor admin",
    "certificates:plan_create": "applicant",
    "certificates:plan_detail": "clerk chief approver supervisor auditor admin",
    "directory:campaign": "nobody",
    "directory:campaigns": "public",
    "directory:detail": "public",
    "directory:export_csv": "public",
    "directory:export_xlsx": "public",
    "directory:index": "public",
    "draws:detail": "clerk chief approver supervisor auditor admin",
    "draws:experts": "clerk chief approver supervisor auditor admin",
    "draws:index": "clerk chief approver supervisor auditor admin",
    "draws:inspectors": "clerk chief approver supervisor auditor admin",
    "draws:redraw": "clerk chief approver supervisor auditor admin",
    "draws:release": "clerk chief approver supervisor auditor admin",
    "draws:standards": "clerk chief approver supervisor auditor admin",
    "healthz": "public",
    "home": "public",
    "index": "public",
    "lockouts:index": "admin",
    "lockouts:unlock": "admin",
    "login": "public",
    "logout": "nobody",
    "notices:detail": "public",
    "notices:index": "public",
    "password_change": "signed-in",
    "registry:campaign": "nobody",
    "registry:campaign_close": "nobody",
    "registry:campaign_create": "supervisor admin",
    "registry:campaign_draw": "nobody",
    "registry:campaign_replay": "nobody",
    "registry:campaigns": READERS_OF_SUPERVISION + " admin",
    "registry:change": "supervisor admin",
    "registry:complaint_create": "supervisor admin",
    "registry:complaints": READERS_OF_SUPERVISION + " admin",
    "registry:filing": REGULATORS + " admin",
    "registry:index": REGULATORS + " admin",
    "registry:open_case": "supervisor admin",
    "registry:report": "nobody",
    "registry:reports": READERS_OF_SUPERVISION + " admin",
    "search:index": "clerk chief approver supervisor auditor admin",
    "selection:application": "clerk chief approver supervisor auditor admin",
    "selection:application_document": "nobody",
    "selection:apply": "applicant",
    "selection:attachment": "nobody",
    "selection:attachment_add": "nobody",
    "selection:call": "clerk chief approver supervisor auditor admin",
    "selection:call_amend": "chief admin",
    "selection:call_create": "chief admin",
    "selection:call_document": "nobody",
    "selection:call_edit": "chief admin",
    "selection:call_publish": "chief admin",
    "selection:facts_declare": "nobody",
    "selection:index": "applicant clerk chief expert approver supervisor auditor admin",
    "selection:lot_add": "chief admin",
    "selection:lot_remove": "chief admin",
    "selection:mine": "applicant",
    "selection:objection_evidence": "nobody",
    "selection:objection_record": "clerk chief approver supervisor auditor admin",
    "selection:objection_resolve": "clerk chief approver supervisor auditor admin",
    "selection:populations_update": "nobody",
    "selection:roster_add": "nobody",
    "selection:scope_add": "nobody",
    "selection:section_delete": "nobody",
    "selection:submit": "nobody",
    "selection:venue_add": "nobody",
    "selection:withdraw": "nobody",
    "selections:detail": "public",
    "selections:document": "nobody",
    "selections:index": "public",
    "set_language": "public",
    "supervision:archive": "chief inspector approver supervisor auditor admin",
    "supervision:case": READERS_OF_SUPERVISION + " admin",
    "supervision:cases": "chief inspector approver supervisor auditor admin",
    "supervision:document": "nobody",
    "supervision:evidence": "nobody",
    "supervision:inbox": "chief inspector approver supervisor auditor admin",
    "supervision:index": "chief inspector approver supervisor auditor admin",
    "supervision:lapse": "nobody",
    "supervision:queue": "chief inspector approver supervisor auditor admin",
    "supervision:task": "nobody",
    "tasks:archive": "signed-in",
    "tasks:claim": "nobody",
    "tasks:detail": "nobody",
    "tasks:inbox": "signed-in",
    "tasks:index": "signed-in",
    "tasks:overdue": "chief",
    "tasks:queue": "signed-in",
    "tasks:reassign": "nobody",
    "tasks:release": "nobody",
    "two_factor": "signed-in",
    "two_factor_enrol": "signed-in",
    "verify": "public",
    "verify_document": "public",
    "verify_token": "public",
    "workbench:index": "signed-in",
    "workbench:notification_open": "nobody",
    "workbench:notification_settings": "signed-in",
    "workbench:notifications": "signed-in",
    "workbench:notifications_mark_read": "signed-in",
}


def _allowed_set(spec: str) -> set[str]:
    words = set(spec.split())
    if "public" in words:
        return set(ROLES)
    if "signed-in" in words:
        return set(ROLES) - {"anonymous"}
    if "nobody" in words:
        return set()
    return words


def _policy_for(route: str, name: str) -> str | None:
    if name in POLICY:
        return POLICY[name]
    prefixes = [key for key in POLICY if key.endswith("/*") and route.startswith(key[:-1])]
    return POLICY[max(prefixes, key=len)] if prefixes else None


_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


def _path(route: str, name: str, world) -> str | None:
    parameters = [match["parameter"] for match in _PARAMETER.finditer(route)]
    if "(?P<" in route or "^" in route:
        try:
            return reverse(name) if ":" in name or name else None
        except NoReverseMatch:
            return None  # a regex route with parameters (the admin's): covered by its prefix entry's plain URLs
    values = fill(name, parameters, world)
    return "/" + _PARAMETER.sub(lambda match: str(values[match["parameter"]]), route)


def _outcome(client, path) -> tuple[str, int]:
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path, {})
    for _hop in range(3):  # a redirect to another of our pages (an old task URL to the task page) counts as that page
        status = response.status_code
        assert status < 500, f"{path}: {status}"
        location = response.get("Location", "") if status in (301, 302, 303, 307, 308) else ""
        if "/login/" in location:
            return "denied", status
        if not location.startswith("/app/") or location.split("?")[0] == path:
            break
        response = client.get(location)
    if status in (401, 403, 404):
        return "denied", status
    return "allowed", status


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TWO_FACTOR_REQUIRED = False
    settings.BACKGROUND_JOBS = "inline"
    settings.VERIFY_RATE_LIMIT = 10_000
    return build_world()


def test_every_url_gives_each_role_exactly_what_the_policy_says(world):
    observed, missing, wrong = {}, [], []
    clients = {}
    for role in ROLES:
        client = Client()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        clients[role] = client
    for route, name in url_patterns():
        path = _path(route, name, world)
        if path is None:
            continue
        allowed = set()
        for role in ROLES:
            client = clients[role]
            if world.users[role] is not None and "_auth_user_id" not in client.session:
                client.force_login(world.users[role])  # signed out by the previous URL (logout and the like)
            if _outcome(client, path)[0] == "allowed":
                allowed.add(role)
        observed[name] = allowed
        spec = _policy_for(route, name)
        if spec is None:
            missing.append(name)
        elif allowed != _allowed_set(spec):
            wrong.append(f"{name} ({path}): expected {sorted(_allowed_set(spec))}, got {sorted(allowed)}")
    if os.environ.get("MATRIX_PRINT"):
        for name, allowed in sorted(observed.items()):
            spec = (
                "public"
                if allowed == set(ROLES)
                else "nobody"
                if not allowed
                else " ".join(role for role in ROLES if role in allowed)
            )
            print(f'    "{name}": "{spec}",')
    assert not missing, "URLs without an entry in POLICY: " + ", ".join(missing)
    assert not wrong, "\n".join(wrong)
