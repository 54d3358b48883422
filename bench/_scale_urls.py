"""The project's URLs plus a bare view returning a constant: the floor every list is compared with."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def constant(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/constant", constant), *project_urlpatterns]
