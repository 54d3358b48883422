"""Forms for the applicant's draft and for each regulator step. Errors are in the user's language."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.common.identity import normalise_id_number, resident_id_problem
from cases.common.uploads import check_upload
from cases.models import (
    Attachment,
    EvaluationMethod,
    Occupation,
    RosterMember,
    ScopeItem,
    SkillLevel,
    TargetPopulation,
    Venue,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PopulationsForm(forms.Form):
    target_populations = forms.MultipleChoiceField(
        label=_("Target populations"), choices=TargetPopulation.choices, widget=forms.CheckboxSelectMultiple
    )


class ScopeItemForm(forms.ModelForm):
    levels = forms.TypedMultipleChoiceField(
        label=_("Levels"), choices=SkillLevel.choices, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    methods = forms.MultipleChoiceField(
        label=_("Evaluation methods"), choices=EvaluationMethod.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ScopeItem
        fields = ["occupation", "levels", "methods", "standard", "yearly_capacity"]

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["occupation"].queryset = Occupation.objects.filter(active=True)

    def clean(self):
        cleaned = super().clean()
        occupation, levels = cleaned.get("occupation"), cleaned.get("levels") or []
        if occupation and any(level not in occupation.levels for level in levels):
            allowed = "、".join(occupation.level_labels)
            self.add_error(
                "levels",
                _("%(occupation)s can only be certified at: %(levels)s")
                % {"occupation": occupation, "levels": allowed},
            )
        if occupation and self.application and self.application.scope_items.filter(occupation=occupation).exists():
            self.add_error("occupation", _("This occupation is already in the scope."))
        return cleaned


class RosterMemberForm(forms.ModelForm):
    class Meta:
        model = RosterMember
        fields = ["role", "name", "id_number", "occupation", "qualification"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = Occupation.objects.filter(active=True)

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data["id_number"])
        if resident_id_problem(value) is not None:
            raise ValidationError(_("Not a valid resident ID number (18 characters with a correct check digit)."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == RosterMember.Role.EXAMINER and not cleaned.get("occupation"):
            self.add_error("occupation", _("An examiner is declared for an occupation."))
        return cleaned


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = ["address", "area_sqm", "workstations"]


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices)
    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        check_upload(uploaded)
        return uploaded


# Regulator steps


class ReviewForm(forms.Form):
    ACCEPT, RETURN, REJECT = "accept", "return", "reject"
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[(ACCEPT, _("Accept")), (RETURN, _("Return for supplement")), (REJECT, _("Reject as ineligible"))],
    )
    deficiencies = forms.CharField(
        label=_("Deficiencies (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    reasons = forms.CharField(
        label=_("Reasons for rejection"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == self.RETURN and not self.deficiency_list():
            self.add_error("deficiencies", _("Name at least one deficiency for the applicant to fix."))
        if outcome == self.REJECT and not cleaned.get("reasons", "").strip():
            self.add_error("reasons", _("Give the reasons for the rejection."))
        return cleaned

    def deficiency_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("deficiencies", "").splitlines() if line.strip()]


def _person(user) -> str:
    return f"{user.get_full_name() or user.username}（{user.username}）"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("reject", _("Reject")), ("reinspect", _("Send back to inspection"))],
    )
    reasons = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in {"reject", "reinspect"} and not cleaned.get("reasons", "").strip():
            self.add_error("reasons", _("Give the reasons for this decision."))
        return cleaned


class ObjectionForm(forms.Form):
    raised_by = forms.CharField(label=_("Raised by"), max_length=100)
    content = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 3}))


class ResolveObjectionForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))
