"""Hooks into Django's and django-axes' signals: sessions are recorded, lockouts audited."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out

from audits.context import request_context
from cases.accounts import services


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="accounts.signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="accounts.signed_out")
    user_locked_out.connect(_locked_out, dispatch_uid="accounts.locked_out")


def _signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        services.session_signed_in(request=request, user=user)


def _signed_out(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        services.session_forget(session_key=request.session.session_key)


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    with request_context(request):
        services.lockout_record(username=username or "", ip_address=ip_address)
