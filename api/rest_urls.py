"""The REST API v1 (/api/v1/), its schema (/api/schema/) and docs (/api/docs/, /api/redoc/)."""

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api.views import applications, certification, public, regulator, supervision


class IdConverter:
    """A primary key: at most 18 digits, so that no id overflows a 64-bit integer column."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")

v1 = [
    path("bodies/", public.BodyList.as_view(), name="bodies"),
    path("bodies/<str:number>/", public.BodyDetail.as_view(), name="body"),
    path("campaigns/", public.CampaignList.as_view(), name="campaigns"),
    path("campaigns/<str:number>/", public.CampaignDetail.as_view(), name="campaign"),
    path("certificates/verify/", public.CertificateVerify.as_view(), name="verify"),
    path("applications/", applications.ApplicationList.as_view(), name="applications"),
    path("applications/<id:pk>/", applications.ApplicationDetail.as_view(), name="application"),
    path("filings/", applications.FilingList.as_view(), name="filings"),
    path("filings/<id:pk>/", applications.FilingDetail.as_view(), name="filing"),
    path("plans/", certification.PlanList.as_view(), name="plans"),
    path("plans/<id:pk>/", certification.PlanDetail.as_view(), name="plan"),
    path("batches/", certification.BatchList.as_view(), name="batches"),
    path("batches/<id:pk>/", certification.BatchDetail.as_view(), name="batch"),
    path("batches/<id:pk>/rows/", certification.BatchRows.as_view(), name="batch_rows"),
    path("batches/<id:pk>/file/", certification.BatchFile.as_view(), name="batch_file"),
    path("batches/<id:pk>/imports/<id:import_pk>/", certification.ImportReport.as_view(), name="import_report"),
    path("batches/<id:pk>/submit/", certification.BatchSubmit.as_view(), name="batch_submit"),
    path("certificates/", certification.CertificateList.as_view(), name="certificates"),
    path("certificates/<id:pk>/", certification.CertificateDetail.as_view(), name="certificate"),
    path("certificates/<id:pk>/pdf/", certification.CertificatePdf.as_view(), name="certificate_pdf"),
    path("rectification-orders/", supervision.OrderList.as_view(), name="orders"),
    path("rectification-orders/<id:pk>/", supervision.OrderDetail.as_view(), name="order"),
    path("rectification-orders/<id:pk>/answer/", supervision.OrderAnswer.as_view(), name="order_answer"),
    path("supervision-cases/", supervision.CaseList.as_view(), name="cases"),
    path("registry/", regulator.RegistryList.as_view(), name="registry"),
    path("registry/<id:pk>/", regulator.RegistryDetail.as_view(), name="registry_entry"),
    path("statistics/certificates/", regulator.Statistics.as_view(), name="statistics"),
    re_path(r"^", public.UnknownPath.as_view()),  # last: JSON 404 for any other path
]

docs = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_docs:schema"), name="swagger"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api_docs:schema"), name="redoc"),
]
