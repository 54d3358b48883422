"""Public registry URLs, mounted at /directory/ (namespace "directory")."""

from django.urls import path

from cases.registry import public_views

app_name = "directory"

urlpatterns = [
    path("", public_views.directory, name="index"),
    path("export.csv", public_views.directory_export_csv, name="export_csv"),
    path("export.xlsx", public_views.directory_export_xlsx, name="export_xlsx"),
    path("campaigns/", public_views.campaign_results, name="campaigns"),
    path("campaigns/<str:number>/", public_views.campaign_result, name="campaign"),
    # Last: the filing certificate's QR code points here (京技备202600001 and the like).
    path("<str:number>/", public_views.directory_detail, name="detail"),
]
