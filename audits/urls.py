from django.urls import path

from audits import views

urlpatterns = [
    path("", views.AuditSearchView.as_view(), name="search"),
]
