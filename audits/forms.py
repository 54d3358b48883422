from django import forms
from django.utils.translation import gettext_lazy as _

from audits.actions import ACTION_LABELS

_DAY = {"input_formats": ["%Y-%m-%d"], "widget": forms.DateInput(attrs={"placeholder": "YYYY-MM-DD"})}


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("User name"), required=False, max_length=150)
    object_type = forms.CharField(
        label=_("Object type"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "cases.filingapplication"}),
    )
    object_id = forms.CharField(label=_("Object ID"), required=False, max_length=64)
    action = forms.CharField(
        label=_("Action"), required=False, max_length=64, widget=forms.TextInput(attrs={"list": "audit-actions"})
    )
    date_from = forms.DateField(label=_("From (YYYY-MM-DD)"), required=False, **_DAY)
    date_to = forms.DateField(label=_("To (YYYY-MM-DD)"), required=False, **_DAY)

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned

    @staticmethod
    def known_actions():
        return sorted(ACTION_LABELS.items())
