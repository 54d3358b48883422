from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from api import rest_urls
from config import views
from config.site import site

urlpatterns = [
    path("", TemplateView.as_view(template_name="public/home.html"), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("verify/", include("cases.certificates.verify_urls")),
    path("verify/document/", include("cases.documents.urls")),
    path("accounts/", include("cases.accounts.public_urls")),  # login, logout, second factor, password
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("app/", site.urls),
    path("directory/", include("cases.registry.public_urls")),
    path("selections/", include("cases.selection.public_urls")),  # public selections and objections to their lists
    path("notices/", include("cases.notices.urls")),  # public notices and online objections
    path("api/v1/", include((rest_urls.v1, "api"))),
    path("api/", include((rest_urls.docs, "api_docs"))),
]
