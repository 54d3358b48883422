"""Forms of the signed-in pages for API keys and webhooks."""

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ORGANISATION_SCOPES, REGULATOR_SCOPES, Scope, ServiceAccount, WebhookEndpoint
from cases.applications.forms import DateInput


def _scope_choices(scopes):
    return [(scope.value, scope.label) for scope in Scope if scope in scopes]


class KeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What uses the key, e.g. “HR system”."))
    scopes = forms.MultipleChoiceField(label=_("Scopes"), widget=forms.CheckboxSelectMultiple)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput)
    rate_per_minute = forms.IntegerField(
        label=_("Requests per minute"), required=False, min_value=1, max_value=6000, help_text=_("Empty: the default.")
    )

    def __init__(self, *args, regulator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        scopes = REGULATOR_SCOPES if regulator else ORGANISATION_SCOPES
        self.fields["scopes"].choices = _scope_choices(scopes)
        self.fields["scopes"].initial = [Scope.READ]


class RegulatorAccountForm(forms.Form):
    name = forms.CharField(label=_("Account name"), max_length=100, help_text=_("e.g. “Provincial talent platform”."))


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("Receiver URL (https://)"), max_length=500, assume_scheme="https")
    kinds = forms.MultipleChoiceField(
        label=_("Send status changes of"),
        choices=WebhookEndpoint.Kind.choices,
        initial=WebhookEndpoint.Kind.values,
        widget=forms.CheckboxSelectMultiple,
    )


def regulator_accounts():
    return ServiceAccount.objects.filter(organisation__isnull=True).prefetch_related("keys")
