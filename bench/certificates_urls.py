"""The project's URLs plus /bench/constant, a bare Django view (see bench/certificates_site.py)."""

from django.http import HttpResponse
from django.urls import include, path


def constant(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/constant", constant),
    path("", include("config.urls")),
]
