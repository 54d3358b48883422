"""Forms for assessment plans, result imports, the batch review, revocation and verification."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.applications.forms import DateInput
from cases.models import Filing, FilingScope, RosterMember, SkillLevel, Venue


class AssessmentPlanForm(forms.Form):
    scope = forms.ModelChoiceField(label=_("Occupation (filed scope)"), queryset=FilingScope.objects.none())
    level = forms.TypedChoiceField(label=_("Level"), choices=SkillLevel.choices, coerce=int)
    assessment_date = forms.DateField(label=_("Assessment date"), widget=DateInput)
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.none())
    expected_candidates = forms.IntegerField(label=_("Expected candidates"), min_value=1, max_value=200_000)
    examiners = forms.ModelMultipleChoiceField(
        label=_("Examiners"), queryset=RosterMember.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    internal_supervisor = forms.ModelChoiceField(label=_("Internal supervisor"), queryset=RosterMember.objects.none())

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        # Every occupation of the body's open filings is offered, suspended ones too: choosing one is
        # refused with the reason, which says more than an option that silently is not there.
        filings = Filing.objects.filter(organisation__in=organisations, status__in=Filing.OPEN_STATUSES)
        applications = filings.values("application_id")
        self.fields["scope"].queryset = FilingScope.objects.filter(filing__in=filings).select_related(
            "filing", "occupation"
        )
        self.fields["scope"].label_from_instance = _scope_label
        self.fields["venue"].queryset = Venue.objects.filter(application_id__in=applications)
        roster = RosterMember.objects.filter(application_id__in=applications).select_related("occupation")
        self.fields["examiners"].queryset = roster.filter(role=RosterMember.Role.EXAMINER)
        self.fields["examiners"].label_from_instance = _examiner_label
        self.fields["internal_supervisor"].queryset = roster.filter(role=RosterMember.Role.SUPERVISOR)
        self.fields["internal_supervisor"].label_from_instance = lambda member: member.name


def _scope_label(row: FilingScope) -> str:
    levels = "、".join(str(SkillLevel(level).label) for level in sorted(row.levels))
    label = f"{row.occupation}（{levels}）· {row.filing.number}"
    if row.suspended or row.filing.status != Filing.Status.ACTIVE:
        label += " — " + str(_("suspended"))
    return label


def _examiner_label(member: RosterMember) -> str:
    return f"{member.name}（{member.occupation}）" if member.occupation else member.name


class ResultImportForm(forms.Form):
    file = forms.FileField(
        label=_("Results file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )


class BatchReviewForm(forms.Form):
    APPROVE, RETURN, REJECT = "approve", "return", "reject"
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[
            (APPROVE, _("Approve and register (certificates are issued)")),
            (RETURN, _("Return for correction")),
            (REJECT, _("Reject")),
        ],
    )
    corrections = forms.CharField(
        label=_("What to correct (one item per line)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    reasons = forms.CharField(
        label=_("Reasons for rejection"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == self.RETURN and not self.correction_list():
            self.add_error("corrections", _("Name at least one thing for the body to correct."))
        if outcome == self.REJECT and not cleaned.get("reasons", "").strip():
            self.add_error("reasons", _("Give the reasons for the rejection."))
        return cleaned

    def correction_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("corrections", "").splitlines() if line.strip()]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for the revocation."))
        return reason


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=_("Certificate number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "Y00001100000126400001"}),
    )
    name = forms.CharField(
        label=_("Holder's name"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class CertificateSearchForm(forms.Form):
    q = forms.CharField(label=_("Certificate number, resident ID number or name"), required=False, max_length=50)
