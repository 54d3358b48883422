from django import forms
from django.utils.translation import gettext_lazy as _

from cases.search.selectors import normalised


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Number, organisation, credit code, name or ID number"),
                "autofocus": True,
            }
        ),
    )

    def clean_q(self):
        text = normalised(self.cleaned_data["q"])
        if len(text) < 2:
            raise forms.ValidationError(_("Type at least two characters."))
        if any(ord(char) < 32 for char in text):
            raise forms.ValidationError(_("The text contains characters that cannot be searched for."))
        return text
