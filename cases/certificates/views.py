"""Pages for skill-level certificates: the body's plans and result batches, certificates, the regulator's
review tasks and statistics. Views stay thin: form -> access helper -> service -> redirect."""

import csv
import io
import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from viewflow.workflow.status import STATUS

from audits.selectors import timeline_for
from audits.services import audit_record
from cases.certificates import access, selectors, services
from cases.certificates.forms import AssessmentPlanForm, CertificateSearchForm, ResultImportForm, RevokeForm
from cases.certificates.imports import COLUMN_LABELS, problem_text, template_csv, template_xlsx
from cases.certificates.steps import BATCH_STEPS
from cases.models import (
    BatchState,
    CertificateExport,
    CertificateState,
    District,
    Filing,
    ResultBatch,
    ResultImport,
    SkillLevel,
)
from workflow.tasks import TaskUnavailable, task_claim, task_release, user_may_take

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


def _error_text(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")


def _paged(request, queryset, size=25, param="page"):
    return Paginator(queryset, size).get_page(request.GET.get(param))


def _body_organisations(user):
    if not access.is_body_user(user):
        return user.organisations.none()
    return user.organisations.all()


def _can_plan(user) -> bool:
    return Filing.objects.filter(organisation__in=_body_organisations(user), status=Filing.Status.ACTIVE).exists()


# Assessment plans


@login_required
def plan_list(request):
    plans = access.visible_plans(request.user).select_related("organisation__district", "occupation", "filing", "batch")
    district = request.GET.get("district", "")
    if district:
        plans = plans.filter(organisation__district__code=district)
    return render(
        request,
        "cases/certificates/plan_list.html",
        {
            "page": _paged(request, plans.order_by("-assessment_date", "-pk")),
            "districts": District.objects.all(),
            "district": district,
            "can_create": _can_plan(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
def plan_create(request):
    organisations = _body_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = AssessmentPlanForm(
        request.POST or None, organisations=organisations, initial={"assessment_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.assessment_plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Assessment plan %(number)s recorded. Report the results by %(date)s.")
                % {"number": plan.number, "date": plan.results_due.isoformat()},
            )
            return redirect("certificates:plan_detail", pk=plan.pk)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    return render(request, "cases/certificates/plan_form.html", {"form": form, "can_create": _can_plan(request.user)})


@login_required
def plan_detail(request, pk):
    plan = access.access_plan(request.user, pk)
    today = timezone.localdate()
    batch = ResultBatch.objects.filter(plan=plan).first()
    is_member = access.is_body_user(request.user) and plan.organisation.members.filter(pk=request.user.pk).exists()
    return render(
        request,
        "cases/certificates/plan_detail.html",
        {
            "plan": plan,
            "batch": batch,
            "examiners": plan.examiners.select_related("occupation"),
            "is_member": is_member,
            "can_report": is_member and batch is None and today >= plan.assessment_date,
            "today": today,
        },
    )


@login_required
@require_POST
def batch_create(request, pk):
    plan = access.access_plan(request.user, pk)
    try:
        batch = services.result_batch_create(plan=plan, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
        return redirect("certificates:plan_detail", pk=plan.pk)
    messages.success(request, _("Results report %(number)s opened: import the results file.") % {"number": batch})
    return redirect("certificates:batch_detail", pk=batch.pk)


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


def _timeline(batch, public_only):
    events = list(timeline_for(obj=batch, public_only=public_only))
    for event in events:
        label = ACTION_LABELS.get(event.action)
        event.label = label if label is not None else event.action_label
    return events


def _scope_warning(batch, today):
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
    is_member = access.is_body_user(user) and batch.organisation.members.filter(pk=user.pk).exists()
    latest = batch.imports.select_related("created_by").first()
    running = services.running_import(batch) if batch.is_editable_by_body else None
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
        "review_tasks": [] if is_member else selectors.open_review_tasks_of(batch=batch),
        "timeline": _timeline(batch, public_only=False),
        "today": today,
        "overdue_results": batch.state == BatchState.DRAFT and today > batch.plan.results_due,
        "overdue_review": batch.state == BatchState.SUBMITTED and batch.review_due and today > batch.review_due,
        "overdue_fix": batch.state == BatchState.RETURNED and batch.fix_due and today > batch.fix_due,
        "scope_warning": _scope_warning(batch, today)
        if batch.state in (BatchState.DRAFT, BatchState.SUBMITTED)
        else "",
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
            form.add_error("file", _error_text(error))
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
    if not job.is_finished:
        services.running_import(job.batch)  # marks a dead job as stopped
        job.refresh_from_db()
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
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Submitted. The bureau reviews it by %(date)s.") % {"date": batch.review_due.isoformat()},
        )
    return redirect("certificates:batch_detail", pk=pk)


@login_required
@require_POST
def export_start(request, pk):
    batch = access.access_batch(request.user, pk)
    try:
        services.certificate_export_start(batch=batch, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
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
    audit_record(
        actor=request.user,
        action="document.downloaded",
        obj=export.batch,
        data={"kind": "certificates_zip", "sha256": export.sha256, "certificates": export.total},
    )
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"{export.batch.number}-certificates.zip",
        content_type="application/zip",
    )


# Certificates


@login_required
def certificate_list(request):
    """Search by number, holder's name or resident ID number.

    The form is POSTed and answered with a redirect to a GET URL that carries the ID number's keyed hash
    and masked form instead of the number itself, so it lands in no address bar, history or access log.
    """
    if request.method == "POST":
        form = CertificateSearchForm(request.POST)
        q = form.cleaned_data["q"].strip() if form.is_valid() else ""
        params = {"status": request.POST.get("status", "")}
        number = services.normalise_id_number(q)
        if services.resident_id_problem(number) is None:
            params.update(idh=services.id_number_hash(number), idm=services.mask_id_number(number))
        else:
            params["q"] = q
        query = urlencode({key: value for key, value in params.items() if value})
        return redirect(reverse("certificates:certificate_list") + (f"?{query}" if query else ""))
    certificates = access.visible_certificates(request.user).select_related("organisation", "occupation")
    q, id_hash, status = request.GET.get("q", ""), request.GET.get("idh", ""), request.GET.get("status", "")
    if re.fullmatch(r"[0-9a-f]{64}", id_hash):
        certificates = certificates.filter(id_hash=id_hash)
        shown = request.GET.get("idm", "")[:18]
    else:
        certificates = selectors.certificates_matching(certificates, q)
        shown = q
    if status in CertificateState.values:
        certificates = certificates.filter(status=status)
    return render(
        request,
        "cases/certificates/certificate_list.html",
        {
            "form": CertificateSearchForm(initial={"q": shown}),
            "page": _paged(request, certificates.order_by("-issued_on", "-number"), 50),
            "statuses": CertificateState.choices,
            "status": status,
        },
    )


@login_required
def certificate_detail(request, pk, revoke_form=None):
    certificate = access.access_certificate(request.user, pk)
    return render(
        request,
        "cases/certificates/certificate_detail.html",
        {
            "certificate": certificate,
            "can_revoke": certificate.status == CertificateState.VALID
            and services.may_revoke(request.user, certificate),
            "revoke_form": revoke_form or RevokeForm(),
            "verify_url": services.verify_url(certificate),
        },
    )


@login_required
def certificate_pdf(request, pk):
    certificate = access.access_certificate(request.user, pk)
    try:
        document = services.certificate_document(certificate=certificate, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("certificates:certificate_detail", pk=pk)
    audit_record(
        actor=request.user,
        action="document.downloaded",
        obj=certificate,
        data={"kind": document.kind, "sha256": document.sha256, "name": certificate.number},
    )
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{certificate.number}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_POST
def certificate_revoke(request, pk):
    certificate = access.access_certificate(request.user, pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_revoke(certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Certificate %(number)s revoked.") % {"number": certificate.number})
            return redirect("certificates:certificate_detail", pk=pk)
    return certificate_detail(request, pk, revoke_form=form)


# The regulator's review


def review_list(request, mode):
    selector = {
        "inbox": selectors.review_inbox_for,
        "queue": selectors.review_queue_for,
        "archive": selectors.review_archive_for,
    }[mode]
    district = request.GET.get("district", "")
    return render(
        request,
        "cases/certificates/review_list.html",
        {
            "mode": mode,
            "page": _paged(request, selector(user=request.user, district=district)),
            "districts": District.objects.all(),
            "district": district,
            "today": timezone.localdate(),
        },
    )


@login_required
def review_inbox(request):
    return review_list(request, "inbox")


@login_required
def review_queue(request):
    return review_list(request, "queue")


@login_required
def review_archive(request):
    return review_list(request, "archive")


def _render_review(request, task, batch, form=None):
    step = BATCH_STEPS.get(task.flow_task.name)
    is_mine = task.owner_id == request.user.pk and task.status == STATUS.ASSIGNED
    today = timezone.localdate()
    return render(
        request,
        "cases/certificates/review_task.html",
        {
            "task": task,
            "batch": batch,
            "plan": batch.plan,
            "step": step,
            "is_mine": is_mine,
            "form": form or (step.form_class() if step and is_mine else None),
            "step_template": step.template if step else None,
            "can_claim": task.status == STATUS.NEW and user_may_take(request.user, task),
            "can_release": is_mine and bool(task.owner_permission),
            "candidates": batch.candidates.order_by("line")[:20],
            "scope_warning": _scope_warning(batch, today),
            "level_label": SkillLevel(batch.plan.level).label,
            "overdue": batch.review_due and today > batch.review_due,
            "today": today,
        },
    )


@login_required
def review_task(request, task_pk):
    task, batch = access.access_review_task(request.user, task_pk)
    batch = access.access_batch(request.user, batch.pk)
    if request.method != "POST":
        return _render_review(request, task, batch)
    step = BATCH_STEPS[task.flow_task.name]
    form = step.form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _render_review(request, task, batch, form)
    try:
        step.perform(form, batch, request.user)
    except (ValidationError, TaskUnavailable, PermissionDenied) as error:
        messages.error(request, _error_text(error))
        return _render_review(request, task, batch, form)
    messages.success(request, step.done_message)
    return redirect("certificate_review:inbox")


@login_required
@require_POST
def review_claim(request, task_pk):
    access.access_review_task(request.user, task_pk)
    try:
        task_claim(task_id=task_pk, actor=request.user)
        messages.success(request, _("Task claimed."))
    except TaskUnavailable as error:
        messages.error(request, str(error))
    return redirect("certificate_review:task", task_pk=task_pk)


@login_required
@require_POST
def review_release(request, task_pk):
    access.access_review_task(request.user, task_pk)
    try:
        task_release(task_id=task_pk, actor=request.user)
        messages.success(request, _("Task returned to the queue."))
    except TaskUnavailable as error:
        messages.error(request, str(error))
        return redirect("certificate_review:task", task_pk=task_pk)
    return redirect("certificate_review:inbox")


# Statistics

CHART_WIDTH, LABEL_WIDTH, BAR_AREA, ROW_HEIGHT = 760, 170, 430, 26


def _chart_rows(chart) -> dict:
    """SVG geometry of a horizontal bar chart: total bar, high-skilled part inside it, value text."""
    maximum = chart.maximum or 1
    rows = []
    for index, bar in enumerate(chart.bars):
        y = index * ROW_HEIGHT + 4
        total_w = round(BAR_AREA * bar.total / maximum, 1)
        high_w = round(BAR_AREA * bar.high / maximum, 1)
        label = bar.label if len(bar.label) <= 12 else bar.label[:11] + "…"
        rows.append(
            {
                "bar": bar,
                "label": label,
                "y": y,
                "text_y": y + 14,
                "total_w": max(total_w, 1 if bar.total else 0),
                "high_w": high_w,
                "value_x": LABEL_WIDTH + total_w + 6,
                "share": f"{bar.share * 100:.1f}%",
            }
        )
    return {
        "chart": chart,
        "rows": rows,
        "height": max(len(rows), 1) * ROW_HEIGHT + 8,
        "label_width": LABEL_WIDTH,
        "width": CHART_WIDTH,
    }


def _statistics_year(request) -> int | None:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


def _statistics_allowed(user) -> None:
    if not (user.is_superuser or user.has_perm("cases.view_certificate_statistics")):
        raise PermissionDenied


@login_required
def statistics(request):
    _statistics_allowed(request.user)
    year = _statistics_year(request)
    stats = selectors.certificate_statistics(year=year)
    return render(
        request,
        "cases/certificates/statistics.html",
        {
            "stats": stats,
            "charts": [_chart_rows(chart) for chart in stats["charts"]],
            "year": year,
            "share_pct": f"{stats['share'] * 100:.1f}%",
        },
    )


@login_required
def statistics_csv(request):
    """Every dimension of the statistics page as one long CSV (dimension, key, label, counts, share)."""
    _statistics_allowed(request.user)
    year = _statistics_year(request)
    stats = selectors.certificate_statistics(year=year)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["dimension", "key", "label", "certificates", "high_skilled", "high_skilled_share", "year"])
    writer.writerow(["total", "", "", stats["total"], stats["high"], f"{stats['share']:.4f}", year or "all"])
    for chart in stats["charts"]:
        for bar in chart.bars:
            writer.writerow([chart.key, bar.key, bar.label, bar.total, bar.high, f"{bar.share:.4f}", year or "all"])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="certificate-statistics-{year or "all"}.csv"'
    return response
