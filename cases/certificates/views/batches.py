"""Pages for skill-level certificates: the body's plans and result batches, certificates, the regulator's
review tasks and statistics. Views stay thin: form -> access helper -> service -> redirect."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audits.selectors import timeline_for
from cases.certificates import access, selectors
from cases.certificates.forms import ResultImportForm
from cases.certificates.imports.columns import COLUMN_LABELS, problem_text
from cases.certificates.imports.template import template_csv, template_xlsx
from cases.certificates.services import batches as services
from cases.certificates.services import documents
from cases.common.views import audited_download, error_message
from cases.models import (
    BatchState,
    CertificateExport,
    District,
    ResultImport,
    SkillLevel,
)
from workflow.selectors import open_tasks_of

PROBLEMS_SHOWN = 200


# Action labels for the batch timeline, until they join audits.actions.ACTION_LABELS.
ACTION_LABELS = {
    "resultbatch.created": gettext_lazy("Results report opened"),
    "resultbatch.import_started": gettext_lazy("Results file uploaded"),
    "resultbatch.imported": gettext_lazy("Results imported"),
    "resultbatch.submit": gettext_lazy("Submitted for registration"),
    "resultbatch.return_for_fix": gettext_lazy("Returned for correction"),
    "resultbatch.register": gettext_lazy("Registered, certificates issued"),
    "resultbatch.reject": gettext_lazy("Rejected"),
    "resultbatch.export_started": gettext_lazy("Certificate download requested"),
    "certificate.revoke": gettext_lazy("Certificate revoked"),
    "document.downloaded": gettext_lazy("Document downloaded"),
}


def _paged(request, queryset, size=25, param="page"):
    return Paginator(queryset, size).get_page(request.GET.get(param))


def _body_organisations(user):
    if not access.is_body_user(user):
        return user.organisations.none()
    return user.organisations.all()


# Result batches


@login_required
def batch_list(request):
    batches = access.visible_batches(request.user).select_related("organisation__district", "plan__occupation")
    state, district = request.GET.get("state", ""), request.GET.get("district", "")
    if state:
        batches = batches.filter(state=state)
    if district:
        batches = batches.filter(organisation__district__code=district)
    return render(
        request,
        "cases/certificates/batch_list.html",
        {
            "page": _paged(request, batches.order_by("-created_at", "-pk")),
            "states": BatchState.choices,
            "state": state,
            "districts": District.objects.all(),
            "district": district,
            "today": timezone.localdate(),
        },
    )


# What the bureau does on a batch that its body is told about; the rest of the bureau's work on it
# (claims, downloads, exports) is internal and stays out of the body's timeline.
BODY_VISIBLE_ACTIONS = ("resultbatch.return_for_fix", "resultbatch.register", "resultbatch.reject")


def _timeline(batch, *, for_body: bool):
    """The batch's history as its reader may see it: the body sees its own steps and the bureau's decisions."""
    if for_body:
        events = timeline_for(
            obj=batch, public_only=True, organisation=batch.organisation, shared_actions=BODY_VISIBLE_ACTIONS
        )
    else:
        events = list(timeline_for(obj=batch, public_only=False))
    for event in events:
        label = ACTION_LABELS.get(event.action)
        event.label = label if label is not None else event.action_label
    return events


def scope_warning(batch, today):
    plan = batch.plan
    try:
        services.certifiable_scope_row(filing=plan.filing, occupation=plan.occupation, level=plan.level, today=today)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


@login_required
def batch_detail(request, pk, import_form=None):
    batch = access.access_batch(request.user, pk)
    user, today = request.user, timezone.localdate()
    is_member = access.is_body_user(user) and batch.organisation.has_member(user)
    latest = batch.imports.select_related("created_by").first()
    running = selectors.running_import(batch) if batch.is_editable_by_body else None
    problems = []
    if latest is not None and latest.status in (ResultImport.Status.FAILED, ResultImport.Status.ERROR):
        problems = [
            {"line": p.line, "column": p.column, "name": (p.params or {}).get("name", ""), "text": problem_text(p)}
            for p in latest.problems.all()[:PROBLEMS_SHOWN]
        ]
    registered = batch.state == BatchState.REGISTERED
    export = batch.exports.first() if registered else None
    context = {
        "batch": batch,
        "plan": batch.plan,
        "is_member": is_member,
        "editable": is_member and batch.is_editable_by_body,
        "latest": latest,
        "running": running,
        "problems": problems,
        "more_problems": max((latest.problem_count if latest else 0) - len(problems), 0),
        "import_form": import_form or ResultImportForm(),
        "candidates": None if registered else _paged(request, batch.candidates.order_by("line"), 50),
        "certificates": _paged(request, batch.certificates.order_by("number"), 50) if registered else None,
        "export": export,
        "export_running": export is not None and not export.is_finished,
        "can_export": access.may_start_export(user),
        "review_tasks": [] if is_member or not batch.process_id else open_tasks_of(process_id=batch.process_id),
        "timeline": _timeline(batch, for_body=is_member or not access.is_certificate_reader(user)),
        "today": today,
        "overdue_results": batch.state == BatchState.DRAFT and today > batch.plan.results_due,
        "overdue_review": batch.state == BatchState.SUBMITTED and batch.review_due and today > batch.review_due,
        "overdue_fix": batch.state == BatchState.RETURNED and batch.fix_due and today > batch.fix_due,
        "scope_warning": scope_warning(batch, today) if batch.state in (BatchState.DRAFT, BatchState.SUBMITTED) else "",
        "level_label": SkillLevel(batch.plan.level).label,
    }
    return render(request, "cases/certificates/batch_detail.html", context)


@login_required
def batch_template(request, pk, fmt):
    batch = access.access_batch(request.user, pk)
    if fmt == "xlsx":
        content = template_xlsx(batch.plan)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        content, content_type = template_csv(batch.plan), "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="results-{batch.number}.{fmt}"'
    return response


@login_required
@require_POST
def batch_import(request, pk):
    batch = access.access_own_batch(request.user, pk)
    form = ResultImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.result_import_start(batch=batch, actor=request.user, uploaded=form.cleaned_data["file"])
        except (ValidationError, PermissionDenied) as error:
            form.add_error("file", error_message(error))
        else:
            messages.success(request, _("File received; its rows are being checked."))
            return redirect("certificates:batch_detail", pk=batch.pk)
    messages.error(request, _("Please correct the errors below."))
    return batch_detail(request, pk, import_form=form)


def _import_progress_text(job) -> str:
    if job.status == ResultImport.Status.DONE:
        return _("%(rows)s rows imported.") % {"rows": f"{job.imported_rows:,}"}
    if job.status == ResultImport.Status.FAILED:
        return _("%(count)s problems found; nothing was imported.") % {"count": f"{job.problem_count:,}"}
    if job.status == ResultImport.Status.QUEUED:
        return _("Waiting to start…")
    if job.total_rows:
        return _("%(done)s of about %(total)s rows checked, %(problems)s problems so far") % {
            "done": f"{job.processed_rows:,}",
            "total": f"{job.total_rows:,}",
            "problems": f"{job.problem_count:,}",
        }
    return _("%(done)s rows checked, %(problems)s problems so far") % {
        "done": f"{job.processed_rows:,}",
        "problems": f"{job.problem_count:,}",
    }


@login_required
def import_progress(request, pk, job_pk):
    job = access.access_import(request.user, pk, job_pk)
    if selectors.job_is_stalled(job):  # shown as it will be recorded when the body imports again
        error = ResultImport.Status.ERROR
        return JsonResponse(
            {
                "status": error.value,
                "status_label": str(error.label),
                "processed": job.processed_rows,
                "total": job.total_rows,
                "percent": job.percent,
                "problems": job.problem_count,
                "finished": True,
                "text": str(selectors.STALLED_MESSAGE),
            }
        )
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "processed": job.processed_rows,
            "total": job.total_rows,
            "percent": job.percent,
            "problems": job.problem_count,
            "finished": job.is_finished,
            "text": _import_progress_text(job),
        }
    )


class _Echo:
    def write(self, value):
        return value


@login_required
def import_problems(request, pk, job_pk):
    """Every problem of an import as CSV, streamed (there may be as many as rows)."""
    job = access.access_import(request.user, pk, job_pk)
    writer = csv.writer(_Echo())
    labels = {key: str(label) for key, label in COLUMN_LABELS.items()}

    def rows():
        yield "\ufeff" + writer.writerow([_("Line"), _("Column"), _("Name"), _("Problem")])
        for problem in job.problems.order_by("line", "pk").iterator(chunk_size=2000):
            column = problem.column
            label = labels.get(column, column)
            yield writer.writerow(
                [problem.line or "", label, (problem.params or {}).get("name", ""), problem_text(problem)]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="problems-{job.pk}.csv"'
    return response


@login_required
@require_POST
def batch_submit(request, pk):
    batch = access.access_own_batch(request.user, pk)
    try:
        batch = services.result_batch_submit(batch=batch, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_message(error))
    else:
        messages.success(
            request,
            _("Submitted. The bureau reviews it by %(date)s.") % {"date": batch.review_due.isoformat()},
        )
    return redirect("certificates:batch_detail", pk=pk)


@login_required
@require_POST
def export_start(request, pk):
    if not access.may_start_export(request.user):
        raise PermissionDenied(_("Auditors read the records; they do not start exports."))
    batch = access.access_batch(request.user, pk)
    try:
        documents.certificate_export_start(batch=batch, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("The certificates are being generated; the download appears here when ready."))
    return redirect(reverse("certificates:batch_detail", args=[pk]) + "#certificates")


@login_required
def export_progress(request, pk, export_pk):
    export = access.access_export(request.user, pk, export_pk)
    return JsonResponse(
        {
            "status": export.status,
            "status_label": export.get_status_display(),
            "done": export.done,
            "total": export.total,
            "percent": export.percent,
            "finished": export.is_finished,
            "text": _("%(done)s of %(total)s certificates generated")
            % {"done": f"{export.done:,}", "total": f"{export.total:,}"},
        }
    )


@login_required
def export_download(request, pk, export_pk):
    export = access.access_export(request.user, pk, export_pk)
    if export.status != CertificateExport.Status.DONE or not export.file:
        raise Http404
    return audited_download(
        request,
        obj=export.batch,
        field=export.file,
        name=f"{export.batch.number}-certificates.zip",
        content_type="application/zip",
        digest=export.sha256,
        kind="certificates_zip",
        certificates=export.total,
    )
