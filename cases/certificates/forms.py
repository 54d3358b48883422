"""Forms for assessment plans, result imports, the batch review, revocation and verification."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.applications.forms import DateInput
from cases.models import Filing, FilingScope, RosterMember, SkillLevel, Venue


def certifiable_scope_rows(*, organisations, today: date):
    """The scope rows the bodies may plan assessments for on `today`: unsuspended rows of active filings in force."""
    return FilingScope.objects.filter(
        filing__organisation__in=organisations,
        filing__status=Filing.Status.ACTIVE,
        filing__valid_from__lte=today,
        filing__valid_until__gte=today,
        suspended=False,
    ).select_related("filing", "occupation")


class AssessmentPlanForm(forms.Form):
    """Offers only what the body may certify today: the occupations of its active, unsuspended scope and their
    filed levels, with nothing chosen in advance outside them (the service checks the same again)."""

    scope = forms.ModelChoiceField(label=_("Occupation (filed scope)"), queryset=FilingScope.objects.none())
    level = forms.TypedChoiceField(label=_("Level"), choices=(), coerce=int, empty_value=None)
    assessment_date = forms.DateField(label=_("Assessment date"), widget=DateInput)
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.none())
    expected_candidates = forms.IntegerField(label=_("Expected candidates"), min_value=1, max_value=200_000)
    examiners = forms.ModelMultipleChoiceField(
        label=_("Examiners"), queryset=RosterMember.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    internal_supervisor = forms.ModelChoiceField(label=_("Internal supervisor"), queryset=RosterMember.objects.none())

    def __init__(self, *args, organisations, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        certifiable = certifiable_scope_rows(organisations=organisations, today=today or timezone.localdate())
        applications = certifiable.values("filing__application_id")
        self.fields["scope"].queryset = certifiable
        self.fields["scope"].label_from_instance = _scope_label
        rows = list(certifiable)
        levels = sorted({level for row in rows for level in row.levels})
        self.fields["level"].choices = [("", "---------")] + [(level, SkillLevel(level).label) for level in levels]
        if len(rows) == 1:  # the one possible choice, not a guess
            self.fields["scope"].initial = rows[0].pk
        if len(levels) == 1:
            self.fields["level"].initial = levels[0]
        self.fields["venue"].queryset = Venue.objects.filter(application_id__in=applications)
        roster = RosterMember.objects.filter(application_id__in=applications).select_related("occupation")
        self.fields["examiners"].queryset = roster.filter(role=RosterMember.Role.EXAMINER)
        self.fields["examiners"].label_from_instance = _examiner_label
        self.fields["internal_supervisor"].queryset = roster.filter(role=RosterMember.Role.SUPERVISOR)
        self.fields["internal_supervisor"].label_from_instance = lambda member: member.name

    def clean(self):
        cleaned = super().clean()
        scope, level = cleaned.get("scope"), cleaned.get("level")
        if scope is not None and level is not None and level not in scope.levels:
            filed = "、".join(str(SkillLevel(value).label) for value in sorted(scope.levels))
            self.add_error(
                "level",
                _("%(occupation)s is filed for %(levels)s only.") % {"occupation": scope.occupation, "levels": filed},
            )
        return cleaned


def _scope_label(row: FilingScope) -> str:
    levels = "、".join(str(SkillLevel(level).label) for level in sorted(row.levels))
    return f"{row.occupation}（{levels}）· {row.filing.number}"


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
