"""Object-level access to plans, result batches, certificates and their jobs.

Regulators holding `cases.view_resultbatch` read everything; a filed body's own members (applicant
role) read their organisation's records; nobody else reads any. Each access helper returns the
object or raises Http404, so another organisation's ids cannot be told from missing ones.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from cases.models import AssessmentPlan, Certificate, CertificateExport, ResultBatch, ResultImport
from workflow import roles


def is_certificate_reader(user) -> bool:
    """A regulator (or auditor) who reads every body's plans, batches and certificates."""
    return user.is_superuser or user.has_perm("cases.view_resultbatch")


def may_start_export(user) -> bool:
    """Generating a batch's ZIP is a write: every reader of the batch but the read-only auditor."""
    return user.is_superuser or not roles.has_role(user, roles.AUDITOR)


def is_body_user(user) -> bool:
    return roles.has_role(user, roles.APPLICANT)


def _visible(user, queryset, organisation_path: str = "organisation"):
    if is_certificate_reader(user):
        return queryset
    if is_body_user(user):
        return queryset.filter(**{f"{organisation_path}__members": user})
    return queryset.none()


def visible_plans(user):
    return _visible(user, AssessmentPlan.objects.all())


def visible_batches(user):
    return _visible(user, ResultBatch.objects.all())


def visible_certificates(user):
    return _visible(user, Certificate.objects.all())


def access_plan(user, pk) -> AssessmentPlan:
    queryset = visible_plans(user).select_related("organisation__district", "filing", "occupation", "venue")
    return get_object_or_404(queryset, pk=pk)


def access_batch(user, pk) -> ResultBatch:
    queryset = visible_batches(user).select_related(
        "organisation__district", "plan__occupation", "plan__filing", "plan__venue", "decided_by"
    )
    return get_object_or_404(queryset, pk=pk)


def access_own_batch(user, pk) -> ResultBatch:
    """A batch of the user's own body, for the body's actions (import, submit)."""
    if not is_body_user(user):
        raise Http404
    queryset = ResultBatch.objects.select_related("organisation", "plan__occupation", "plan__filing")
    return get_object_or_404(queryset, pk=pk, organisation__members=user)


def access_import(user, batch_pk, job_pk) -> ResultImport:
    batch = access_batch(user, batch_pk)
    return get_object_or_404(ResultImport, pk=job_pk, batch=batch)


def access_export(user, batch_pk, export_pk) -> CertificateExport:
    batch = access_batch(user, batch_pk)
    return get_object_or_404(CertificateExport, pk=export_pk, batch=batch)


def access_certificate(user, pk) -> Certificate:
    queryset = visible_certificates(user).select_related(
        "organisation", "occupation", "district", "batch__plan__filing", "revoked_by"
    )
    return get_object_or_404(queryset, pk=pk)
