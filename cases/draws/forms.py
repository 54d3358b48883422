"""Forms of the drawn person (confirm or decline a seat) and of the chief (release a seat)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import DeclaredRelation


class SeatConfirmForm(forms.Form):
    DECLARATION = _(
        "I have no conflict of interest with the applicant (no employment now or before, no close relative "
        "working there, no business, consulting or training relation) and will keep what I learn confidential."
    )
    declaration = forms.BooleanField(label=DECLARATION)

    def statement(self) -> str:
        return str(self.DECLARATION)


class SeatDeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why do you decline?"), widget=forms.Textarea(attrs={"rows": 2}))
    conflict = forms.ChoiceField(
        label=_("Is it a conflict of interest?"),
        required=False,
        choices=[("", _("No (other reason)")), *DeclaredRelation.Kind.choices],
        help_text=_("A declared conflict is recorded, so you are not drawn for this organisation again."),
    )


def seat_forms() -> dict:
    return {"confirm_form": SeatConfirmForm(), "decline_form": SeatDeclineForm()}


class SeatReleaseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.TextInput(attrs={"placeholder": _("No response")}))
