from django import forms
from django.utils.translation import gettext_lazy as _

from audits.actions import action_choices

_DAY = {"input_formats": ["%Y-%m-%d"], "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class AuditSearchForm(forms.Form):
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=150,
        help_text=_("Login or display name: what they did and what happened to their account."),
    )
    number = forms.CharField(
        label=_("Number"),
        required=False,
        max_length=64,
        help_text=_("Case, application, filing, batch or certificate number."),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, **_DAY)
    date_to = forms.DateField(label=_("To"), required=False, **_DAY)
    # For links from elsewhere (an object's own events); not shown as inputs.
    object_type = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    object_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any action")), *action_choices()]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned
