"""Public notice URLs, mounted at /notices/ (namespace "notices")."""

from django.urls import path

from cases.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="index"),
    path("<str:number>/", views.notice_detail, name="detail"),
]
