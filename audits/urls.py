from django.urls import path

from audits import views

urlpatterns = [
    path("", views.AuditSearchView.as_view(), name="search"),
    path("export.csv", views.AuditExportView.as_view(), name="export"),
]
