"""Forms of the public selection: the call and its lots, the declared facts, the scope limited to the call, and
the steps of the review. Errors are in the user's language."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.applications.forms import DateInput, PublicObjectionForm, ScopeItemForm
from cases.applications.forms import ObjectionForm as FilingObjectionForm
from cases.assessments.forms import ScoreForm
from cases.models import Occupation, SelectionCall, SelectionLot, SelectionRubric, SkillLevel
from cases.selection.services.calls import CALL_FIELDS


class CallForm(forms.ModelForm):
    """What a call sets: the window, the conditions, the rubric, the tie rule, where the selected continue."""

    class Meta:
        model = SelectionCall
        fields = CALL_FIELDS
        widgets = {
            "window_opens": DateInput(),
            "window_closes": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = SelectionRubric.objects.published().order_by("-version")
        if not self.instance.pk:
            self.fields["rubric"].initial = SelectionRubric.objects.current()

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in CALL_FIELDS}


class AmendForm(CallForm):
    reason = forms.CharField(label=_("Reason for the amendment"), widget=forms.Textarea(attrs={"rows": 3}))


class LotForm(forms.ModelForm):
    class Meta:
        model = SelectionLot
        fields = ["occupation", "level", "quota"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = Occupation.objects.filter(active=True)


class LotRowForm(forms.Form):
    """One row of the lots of an amendment: kept (with its quota), removed, or new."""

    occupation = forms.ModelChoiceField(label=_("Occupation"), queryset=Occupation.objects.none(), required=False)
    level = forms.TypedChoiceField(
        label=_("Level"), choices=[("", "—"), *SkillLevel.choices], coerce=int, required=False
    )
    quota = forms.IntegerField(label=_("Organisations wanted"), min_value=1, max_value=100, required=False)
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = Occupation.objects.filter(active=True)

    def clean(self):
        cleaned = super().clean()
        filled = [cleaned.get(name) not in (None, "") for name in ("occupation", "level", "quota")]
        if any(filled) and not all(filled) and not cleaned.get("remove"):
            raise ValidationError(_("Give the occupation, the level and the number of organisations wanted."))
        return cleaned


LotFormSet = forms.formset_factory(LotRowForm, extra=2)


def lots_of(formset) -> list[tuple]:
    """The lots an amendment keeps or adds: (occupation, level, quota)."""
    return [
        (row.cleaned_data["occupation"], row.cleaned_data["level"], row.cleaned_data["quota"])
        for row in formset.forms
        if row.cleaned_data.get("occupation") and not row.cleaned_data.get("remove")
    ]


class DeclarationForm(forms.Form):
    """The facts the call asks the organisation to declare (承诺事项)."""

    established_on = forms.DateField(label=_("Established on"), widget=DateInput)
    good_credit = forms.BooleanField(
        label=_("The organisation is not on any list of seriously dishonest entities (good credit)."), required=False
    )
    clean_record = forms.BooleanField(
        label=_("No sanction or revocation of a filing in the period the call names."), required=False
    )
    truthful = forms.BooleanField(
        label=_("The declared facts and the materials submitted are true; false statements disqualify."),
        required=False,
    )


class CallScopeItemForm(ScopeItemForm):
    """The filing application's scope row, offering only the call's occupations and levels."""

    def __init__(self, *args, call: SelectionCall, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        lots = list(call.lots.all())
        self.fields["occupation"].queryset = Occupation.objects.filter(pk__in={lot.occupation_id for lot in lots})
        levels = {lot.level for lot in lots}
        self.fields["levels"].choices = [(value, label) for value, label in SkillLevel.choices if value in levels]

    def clean(self):
        cleaned = super().clean()
        occupation, levels = cleaned.get("occupation"), cleaned.get("levels") or []
        if occupation:
            wanted = {lot.level for lot in self.call.lots.all() if lot.occupation_id == occupation.pk}
            if any(level not in wanted for level in levels):
                self.add_error(
                    "levels",
                    _("The call wants %(occupation)s only at: %(levels)s")
                    % {
                        "occupation": occupation,
                        "levels": "、".join(str(SkillLevel(level).label) for level in sorted(wanted)),
                    },
                )
        return cleaned


# The steps of the review


class EligibilityForm(forms.Form):
    ELIGIBLE, INELIGIBLE = "eligible", "ineligible"
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[(ELIGIBLE, _("Eligible: goes to the panel")), (INELIGIBLE, _("Not eligible"))],
    )
    reasons = forms.CharField(
        label=_("Reasons (told to the applicant)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == self.INELIGIBLE and not cleaned.get("reasons", "").strip():
            self.add_error("reasons", _("Give the reasons why the application is not eligible."))
        return cleaned


class PanelDrawForm(forms.Form):
    panel_size = forms.IntegerField(label=_("Experts to draw"), min_value=3, max_value=15)

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        if call is not None:
            self.fields["panel_size"].initial = call.panel_size


class SelectionScoreForm(ScoreForm):
    """An expert's blind scores of one application, against the call's rubric, and the declaration of no conflict."""

    declared = forms.BooleanField(
        label=_(
            "I have no conflict of interest with this applicant (no employment, family, business or advisory tie)."
        ),
        required=True,
    )


def _entry_rows(ranking):
    return [row for lot in ranking.lots for row in lot.rows]


class ConfirmForm(forms.Form):
    """The chief's list: every ranked application in each lot, on the list or not; a change needs its reason."""

    def __init__(self, *args, ranking, **kwargs):
        super().__init__(*args, **kwargs)
        self.ranking = ranking
        for row in _entry_rows(ranking):
            pk = row.entry.pk
            self.fields[f"on_{pk}"] = forms.BooleanField(label=_("On the list"), required=False, initial=row.proposed)
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=_("Reason for the change"), required=False, max_length=1000
            )

    def lots(self) -> list[dict]:
        return [
            {
                "lot": lot,
                "rows": [
                    {"row": row, "on": self[f"on_{row.entry.pk}"], "reason": self[f"reason_{row.entry.pk}"]}
                    for row in lot.rows
                ],
            }
            for lot in self.ranking.lots
        ]

    def selected(self) -> set[int]:
        return {row.entry.pk for row in _entry_rows(self.ranking) if self.cleaned_data.get(f"on_{row.entry.pk}")}

    def reasons(self) -> dict[int, str]:
        return {row.entry.pk: self.cleaned_data.get(f"reason_{row.entry.pk}", "") for row in _entry_rows(self.ranking)}


class ConcludeForm(forms.Form):
    """The conclusion: the list as published, from which an upheld objection may take an organisation off."""

    def __init__(self, *args, ranking, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = [row for row in _entry_rows(ranking) if row.entry.selected]
        for row in self.rows:
            pk = row.entry.pk
            self.fields[f"remove_{pk}"] = forms.BooleanField(label=_("Take off the list"), required=False)
            self.fields[f"reason_{pk}"] = forms.CharField(label=_("Reason"), required=False, max_length=1000)

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            pk = row.entry.pk
            if cleaned.get(f"remove_{pk}") and not cleaned.get(f"reason_{pk}", "").strip():
                self.add_error(f"reason_{pk}", _("Give the reason for taking the organisation off the list."))
        return cleaned

    def list_rows(self) -> list[dict]:
        return [
            {"row": row, "remove": self[f"remove_{row.entry.pk}"], "reason": self[f"reason_{row.entry.pk}"]}
            for row in self.rows
        ]

    def removals(self) -> dict[int, str]:
        return {
            row.entry.pk: self.cleaned_data.get(f"reason_{row.entry.pk}", "")
            for row in self.rows
            if self.cleaned_data.get(f"remove_{row.entry.pk}")
        }


def _listed_choices(call) -> list[tuple]:
    names = call.applications.filter(entries__selected=True).values_list("pk", "organisation__name").distinct()
    return [("", _("The list as a whole")), *((str(pk), name) for pk, name in names)]


class _Concerning:
    """Which organisation of the published list an objection concerns (or the list as a whole)."""

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concerning"] = forms.ChoiceField(
            label=_("Concerning"), required=False, choices=_listed_choices(call)
        )
        self.order_fields(["concerning"])


class ObjectionForm(_Concerning, PublicObjectionForm):
    """An objection anyone files online against a published list (as on /notices/ for a filing's notice)."""


class RecordObjectionForm(_Concerning, FilingObjectionForm):
    """An objection the chief records, received by letter or telephone."""


class ResolveObjectionForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))
