"""Forms of sign-in security: the second factor, enrolment, unlocking."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class EnrolForm(forms.Form):
    token = forms.RegexField(
        label=_("The 6-digit code the app shows now"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits the app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class UnlockForm(forms.Form):
    kind = forms.ChoiceField(choices=[("username", _("Account")), ("ip_address", _("Address"))])
    value = forms.CharField(max_length=255)
