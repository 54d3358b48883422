"""Public document verification, included by config/urls.py under /verify/document/."""

from django.urls import path

from cases.documents import views

urlpatterns = [path("", views.verify_document, name="verify_document")]
