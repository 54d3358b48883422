"""Public verification routes, included by config/urls.py under /verify/."""

from django.urls import path

from cases.certificates.views import verify as verify_views

urlpatterns = [
    path("", verify_views.verify, name="verify"),
    path("c/<str:token>/", verify_views.verify_token, name="verify_token"),
]
