"""Assessment plans, result batches (rows as JSON or a file, the validation report, submission) and
certificates (list, PDF). Each view: input check -> access helper -> the certificates' service."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from api import serializers as s
from api.idempotency import idempotent
from api.schema import ERRORS
from api.views.base import ApiView
from audits.services import audit_record
from cases.certificates import access
from cases.certificates.forms import AssessmentPlanForm
from cases.certificates.imports.columns import problem_text
from cases.certificates.selectors import STALLED_MESSAGE, job_is_stalled
from cases.certificates.services import batches as batch_services
from cases.certificates.services import documents
from cases.certificates.services import plans as plan_services
from cases.models import ResultImport

PROBLEMS_SHOWN = 1000
MAX_ROW_KEYS = 40
MAX_CELL_LENGTH = 200

# Plans


class PlanList(ApiView):
    def initial(self, request, *args, **kwargs):
        self.required_scope = "submit" if request.method == "POST" else "read"
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="plans_list",
        tags=["certification"],
        summary="认定计划 / Assessment plans",
        description="本机构的认定计划。\n\nThe organisation's assessment plans.",
        responses={200: s.PlanSerializer(many=True)},
    )
    def get(self, request):
        queryset = access.visible_plans(request.user).select_related("organisation", "filing", "occupation", "batch")
        return self.paged(queryset, s.PlanSerializer)

    @extend_schema(
        operation_id="plans_create",
        tags=["certification"],
        summary="新建认定计划 / Create an assessment plan",
        description="在有效且未暂停的备案范围内申报认定计划（作用域 submit）。"
        "范围、场地、考评员和督导员的 id 见 /filings/。\n\n"
        "Declare an assessment within the active, unsuspended filed scope (scope `submit`). The ids of the scope "
        "row, venue, examiners and internal supervisor are listed by /filings/.",
        request=s.PlanCreateSerializer,
        responses={201: s.PlanSerializer},
        examples=[
            OpenApiExample(
                "plan",
                request_only=True,
                value={
                    "scope": 12,
                    "level": 4,
                    "assessment_date": "2026-12-10",
                    "venue": 3,
                    "expected_candidates": 120,
                    "examiners": [41, 42],
                    "internal_supervisor": 43,
                },
            )
        ],
    )
    @idempotent
    def post(self, request):
        given = s.PlanCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        form = AssessmentPlanForm(
            data={key: value for key, value in given.validated_data.items()},
            organisations=request.user.organisations.all(),
        )
        if not form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        data = form.cleaned_data
        plan = plan_services.assessment_plan_create(
            actor=request.user,
            scope=data["scope"],
            level=data["level"],
            assessment_date=data["assessment_date"],
            venue=data["venue"],
            expected_candidates=data["expected_candidates"],
            examiners=list(data["examiners"]),
            internal_supervisor=data["internal_supervisor"],
        )
        return Response(s.PlanSerializer(access.access_plan(request.user, plan.pk)).data, status=201)


class PlanDetail(ApiView):
    @extend_schema(
        operation_id="plans_retrieve",
        tags=["certification"],
        summary="一个认定计划 / One assessment plan",
        description="见列表。\n\nAs in the list.",
        responses={200: s.PlanSerializer},
    )
    def get(self, request, pk):
        return Response(s.PlanSerializer(access.access_plan(request.user, pk)).data)


# Result batches


def _batch_data(user, pk) -> dict:
    batch = access.access_batch(user, pk)
    batch.latest_import = batch.imports.first()
    return s.BatchDetailSerializer(batch).data


class BatchList(ApiView):
    def initial(self, request, *args, **kwargs):
        self.required_scope = "submit" if request.method == "POST" else "read"
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="batches_list",
        tags=["certification"],
        summary="结果报送批次 / Result batches",
        description="本机构的结果报送批次及其状态。\n\nThe organisation's result batches and their state.",
        responses={200: s.BatchSerializer(many=True)},
    )
    def get(self, request):
        queryset = access.visible_batches(request.user).select_related("organisation")
        return self.paged(queryset, s.BatchSerializer)

    @extend_schema(
        operation_id="batches_create",
        tags=["certification"],
        summary="开始报送结果 / Open a result batch",
        description="认定结束后，为认定计划开启结果报送（作用域 submit）。\n\n"
        "After the assessment, open the results report of a plan (scope `submit`).",
        request=s.BatchCreateSerializer,
        responses={201: s.BatchDetailSerializer},
        examples=[OpenApiExample("batch", value={"plan": 7}, request_only=True)],
    )
    @idempotent
    def post(self, request):
        given = s.BatchCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        plan = access.access_plan(request.user, given.validated_data["plan"])
        batch = batch_services.result_batch_create(plan=plan, actor=request.user)
        return Response(_batch_data(request.user, batch.pk), status=status.HTTP_201_CREATED)


class BatchDetail(ApiView):
    @extend_schema(
        operation_id="batches_retrieve",
        tags=["certification"],
        summary="一个批次 / One result batch",
        description="状态、人数、退回原因和最近一次导入。\n\nState, counts, reasons for return and the latest import.",
        responses={200: s.BatchDetailSerializer},
    )
    def get(self, request, pk):
        return Response(_batch_data(request.user, pk))


def _rows_file(rows) -> SimpleUploadedFile:
    """The rows as a JSON file for the import job (the same job, checks and problems as a spreadsheet)."""
    if not isinstance(rows, list) or not rows:
        raise ValidationError({"rows": [_("Send a non-empty list of rows.")]})
    for index, row in enumerate(rows, 1):
        if not isinstance(row, dict) or len(row) > MAX_ROW_KEYS:
            raise ValidationError({"rows": [_("Row %(row)d is not an object of columns.") % {"row": index}]})
        for value in row.values():
            if not (value is None or isinstance(value, str | int | float)) or isinstance(value, bool):
                raise ValidationError(
                    {"rows": [_("Row %(row)d has a value that is not text or a number.") % {"row": index}]}
                )
            if isinstance(value, str) and len(value) > MAX_CELL_LENGTH:
                raise ValidationError({"rows": [_("Row %(row)d has a value that is too long.") % {"row": index}]})
    content = json.dumps(rows, ensure_ascii=False).encode("utf-8")
    return SimpleUploadedFile("rows.json", content, content_type="application/json")


def _start_import(request, pk, uploaded) -> Response:
    batch = access.access_own_batch(request.user, pk)
    job = batch_services.result_import_start(batch=batch, actor=request.user, uploaded=uploaded)
    job.refresh_from_db()
    return Response(s.ImportSummarySerializer(job).data, status=status.HTTP_202_ACCEPTED)


IMPORT_NOTE = (
    "检查在后台进行：用返回的 id 查询 /batches/{id}/imports/{import_id}/，直到 finished 为 true；"
    "任何一行有问题时不导入任何行，"
    "每个问题都指明行号和原因。\n\nRows are checked in the background: poll /batches/{id}/imports/{import_id}/ with "
    "the returned id until `finished` is true. While any row is bad nothing is imported, and every problem names "
    "its row and reason."
)


class BatchRows(ApiView):
    required_scope = "submit"

    @extend_schema(
        operation_id="batches_rows",
        tags=["certification"],
        summary="以 JSON 上传结果行 / Upload result rows as JSON",
        description="以 JSON 提交全部考生结果（替换批次已有的行），列同模板。" + IMPORT_NOTE,
        request=s.ResultRowsSerializer,
        responses={202: s.ImportSummarySerializer},
        examples=[
            OpenApiExample(
                "rows",
                request_only=True,
                value={
                    "rows": [
                        {
                            "name": "张三",
                            "id_number": "110105199001011234",
                            "occupation_code": "6-18-02-04",
                            "level": 4,
                            "theory_score": 82,
                            "practical_score": 88,
                            "result": "合格",
                        }
                    ]
                },
            )
        ],
    )
    @idempotent
    def post(self, request, pk):
        rows = request.data.get("rows") if isinstance(request.data, dict) else None
        return _start_import(request, pk, _rows_file(rows))


class BatchFile(ApiView):
    required_scope = "submit"
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="batches_file",
        tags=["certification"],
        summary="上传结果文件 / Upload a results file",
        description="上传 .xlsx 或 .csv 结果文件（模板格式）。" + IMPORT_NOTE,
        request={"multipart/form-data": s.ResultFileSerializer},
        responses={202: s.ImportSummarySerializer},
    )
    @idempotent
    def post(self, request, pk):
        uploaded = request.FILES.get("file")
        if uploaded is None:
            raise ValidationError({"file": [_("Attach the results file.")]})
        return _start_import(request, pk, uploaded)


class ImportReport(ApiView):
    @extend_schema(
        operation_id="batches_import_report",
        tags=["certification"],
        summary="校验报告 / Validation report",
        description="一次导入的进度和逐行问题（前 1000 个）。\n\nProgress of one import and its problems, row by row "
        "(the first 1,000).",
        responses={200: s.ImportReportSerializer},
    )
    def get(self, request, pk, import_pk):
        job = access.access_import(request.user, pk, import_pk)
        if job_is_stalled(job):  # reported as it will be recorded when the body imports again
            job.status, job.message, job.finished_at = ResultImport.Status.ERROR, str(STALLED_MESSAGE), timezone.now()
        job.problems_shown = [
            {
                "line": problem.line,
                "column": problem.column,
                "code": problem.code,
                "name": (problem.params or {}).get("name", ""),
                "message": problem_text(problem),
            }
            for problem in job.problems.all()[:PROBLEMS_SHOWN]
        ]
        data = s.ImportSummarySerializer(job).data
        data["problems"] = s.ProblemSerializer(job.problems_shown, many=True).data
        return Response(data)


class BatchSubmit(ApiView):
    required_scope = "submit"

    @extend_schema(
        operation_id="batches_submit",
        tags=["certification"],
        summary="提交登记 / Submit for registration",
        description="提交（或退回后重新提交）已导入的批次，由监管部门审核。\n\n"
        "Submit (or resubmit after a return) an imported batch for the bureau's review.",
        request=None,
        responses={200: s.BatchDetailSerializer},
    )
    @idempotent
    def post(self, request, pk):
        batch = access.access_own_batch(request.user, pk)
        batch_services.result_batch_submit(batch=batch, actor=request.user)
        return Response(_batch_data(request.user, pk))


# Certificates


class CertificateList(ApiView):
    @extend_schema(
        operation_id="certificates_list",
        tags=["certification"],
        summary="证书 / Certificates",
        description="本机构颁发的证书，可按批次、状态、编号筛选。\n\n"
        "Certificates the organisation issued; filter by batch, "
        "status or number.",
        parameters=[s.CertificateFilterSerializer],
        responses={200: s.CertificateSerializer(many=True)},
    )
    def get(self, request):
        filters = self.query(s.CertificateFilterSerializer)
        queryset = access.visible_certificates(request.user).select_related("organisation", "occupation")
        if "batch" in filters:
            queryset = queryset.filter(batch_id=filters["batch"])
        if "status" in filters:
            queryset = queryset.filter(status=filters["status"])
        if "number" in filters:
            queryset = queryset.filter(number=filters["number"])
        return self.paged(queryset, s.CertificateSerializer)


class CertificateDetail(ApiView):
    @extend_schema(
        operation_id="certificates_retrieve",
        tags=["certification"],
        summary="一张证书 / One certificate",
        description="见列表。\n\nAs in the list.",
        responses={200: s.CertificateSerializer},
    )
    def get(self, request, pk):
        return Response(s.CertificateSerializer(access.access_certificate(request.user, pk)).data)


class PdfRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CertificatePdf(ApiView):
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        operation_id="certificates_pdf",
        tags=["certification"],
        summary="证书 PDF / Certificate PDF",
        description="下载证书 PDF（下载记入审计）。\n\nDownload the certificate as PDF (the download is audited).",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            400: ERRORS[400],
        },
    )
    def get(self, request, pk):
        certificate = access.access_certificate(request.user, pk)
        document = documents.certificate_document(certificate=certificate, actor=request.user)
        audit_record(
            actor=request.user,
            action="document.downloaded",
            obj=certificate,
            data={"kind": document.kind, "sha256": document.sha256, "name": certificate.number, "via": "api"},
        )
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=f"{certificate.number}.pdf",
            content_type="application/pdf",
        )

    def handle_exception(self, exc):
        # Errors are JSON whatever the client asked for.
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return super().handle_exception(exc)
