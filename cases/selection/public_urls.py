"""Public selection URLs, mounted at /selections/ (namespace "selections")."""

from django.urls import path

from cases.selection import public_views

app_name = "selections"

urlpatterns = [
    path("", public_views.call_list, name="index"),
    path("<str:number>/", public_views.call_detail, name="detail"),
    path("<str:number>/documents/<int:doc_pk>/", public_views.call_document, name="document"),
]
