"""Forms of the registry pages: a status change with its reason, opening a supervision case."""

from django import forms
from django.utils.translation import gettext_lazy as _

# Registry (regulator)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class OpenCaseForm(forms.Form):
    summary = forms.CharField(
        label=_("Why is the case opened?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
