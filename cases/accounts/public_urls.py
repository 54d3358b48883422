"""Signing in and out (/accounts/): password, second factor, enrolment, password change."""

from django.contrib.auth import views as auth_views
from django.urls import path

from cases.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/setup/", views.two_factor_enrol, name="two_factor_enrol"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
]
