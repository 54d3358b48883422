"""Forms for the applicant's draft and for each regulator step. Errors are in the user's language."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.applications import checklist
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
        if self.instance.pk:
            self.fields["levels"].initial = self.instance.levels
            self.fields["methods"].initial = self.instance.methods

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
        others = self.application.scope_items.exclude(pk=self.instance.pk) if self.application else None
        if occupation and others is not None and others.filter(occupation=occupation).exists():
            self.add_error("occupation", _("This occupation is already in the scope."))
        return cleaned


class RosterMemberForm(forms.ModelForm):
    class Meta:
        model = RosterMember
        fields = ["role", "name", "id_number", "occupation", "qualification"]

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Examiners are declared for the occupations applied for: only those are offered.
        occupations = Occupation.objects.filter(active=True)
        if application is not None:
            occupations = occupations.filter(pk__in=application.scope_items.values("occupation_id"))
        self.fields["occupation"].queryset = occupations
        self.fields["occupation"].help_text = _("One of the occupations of the scope (add the occupation first).")

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

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices)
    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        check_upload(uploaded)
        return uploaded


class DeficiencyAnswerForm(forms.Form):
    """The applicant's answer to one deficiency: what was done and, where asked for, the new document."""

    reply = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    file = forms.FileField(label=_("New document (PDF, PNG or JPEG)"), required=False)

    def __init__(self, *args, deficiency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deficiency = deficiency
        if deficiency is not None:
            self.fields["reply"].initial = deficiency.reply
            self.auto_id = f"id_d{deficiency.pk}_%s"
            if deficiency.attachment_kind and deficiency.reply_attachment_id is None:
                self.fields["file"].required = True
                self.fields["file"].label = _("New %(kind)s (PDF, PNG or JPEG)") % {
                    "kind": Attachment.Kind(deficiency.attachment_kind).label
                }

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            check_upload(uploaded)
        return uploaded


# Regulator steps


class ReviewForm(forms.Form):
    """The clerk's completeness review: a checklist of the required items that produces the deficiency list."""

    ACCEPT, RETURN, REJECT = "accept", "return", "reject"
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[(ACCEPT, _("Accept")), (RETURN, _("Return for supplement")), (REJECT, _("Reject as ineligible"))],
    )
    deficiencies = forms.CharField(
        label=_("Other deficiencies (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reasons = forms.CharField(
        label=_("Reasons for rejection"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        held = checklist.presence(application) if application is not None else {}
        self.items = checklist.check_items()
        for item in self.items:
            # Not required: an item left unmarked counts as what the application holds (present or missing).
            self.fields[f"check_{item.key}"] = forms.ChoiceField(
                label=item.label,
                choices=checklist.VERDICTS,
                widget=forms.RadioSelect,
                initial=held.get(item.key, checklist.PRESENT),
                required=False,
            )
            self.fields[f"note_{item.key}"] = forms.CharField(label=_("Note"), required=False, max_length=200)
        answered = list(application.deficiencies.filter(status="answered")) if application is not None else []
        self.answered = answered
        self.fields["raise_again"] = forms.TypedMultipleChoiceField(
            label=_("Answered deficiencies that are not resolved"),
            required=False,
            coerce=int,
            choices=[(d.pk, d.text) for d in answered],
            widget=forms.CheckboxSelectMultiple,
            help_text=_("The others are marked supplemented (已补正)."),
        )

    def rows(self) -> list[dict]:
        return [
            {"item": item, "verdict": self[f"check_{item.key}"], "note": self[f"note_{item.key}"]}
            for item in self.items
        ]

    def flagged(self) -> list[dict]:
        """The deficiencies the checklist produces: every item marked missing or wrong."""
        data = getattr(self, "cleaned_data", {})
        result = []
        for item in self.items:
            verdict = data.get(f"check_{item.key}") or self.fields[f"check_{item.key}"].initial
            if verdict in (checklist.MISSING, checklist.WRONG):
                result.append(
                    {
                        "text": checklist.deficiency_text(item, verdict, data.get(f"note_{item.key}", "")),
                        "item": item.key,
                        "attachment_kind": item.attachment_kind,
                    }
                )
        return result

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == self.ACCEPT and self.flagged():
            self.add_error(
                "outcome",
                _("The checklist marks items as missing or wrong: return the application, or correct the checklist."),
            )
        if outcome == self.ACCEPT and cleaned.get("raise_again"):
            self.add_error("raise_again", _("An application with unresolved deficiencies cannot be accepted."))
        if outcome == self.RETURN and not self.deficiency_list():
            self.add_error("deficiencies", _("Name at least one deficiency for the applicant to fix."))
        if outcome == self.REJECT and not cleaned.get("reasons", "").strip():
            self.add_error("reasons", _("Give the reasons for the rejection."))
        return cleaned

    def deficiency_list(self) -> list:
        """The checklist's deficiencies, the answered ones raised again, then the other lines typed."""
        again = {d.pk: d for d in self.answered}
        raised = [
            {"text": again[pk].text, "item": again[pk].item, "attachment_kind": again[pk].attachment_kind}
            for pk in self.cleaned_data.get("raise_again") or []
            if pk in again
        ]
        lines = [line.strip() for line in self.cleaned_data.get("deficiencies", "").splitlines() if line.strip()]
        flagged = self.flagged()
        keys = {entry["item"] for entry in flagged}
        return [*flagged, *(entry for entry in raised if not entry["item"] or entry["item"] not in keys), *lines]


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
    contact = forms.CharField(label=_("Contact"), max_length=100, required=False)
    content = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 3}))


class PublicObjectionForm(forms.Form):
    """An objection anyone files on /notices/ during the notice."""

    raised_by = forms.CharField(label=_("Your name or organisation"), max_length=100)
    contact = forms.CharField(
        label=_("How to reach you (phone or e-mail)"), max_length=100, help_text=_("Only the bureau sees it.")
    )
    content = forms.CharField(
        label=_("Grounds of the objection"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    evidence = forms.FileField(label=_("Evidence (optional: PDF, PNG or JPEG)"), required=False)

    def clean_evidence(self):
        uploaded = self.cleaned_data.get("evidence")
        if uploaded:
            check_upload(uploaded)
        return uploaded


class ActualDateForm(forms.Form):
    """The team leader records the day the inspection actually took place."""

    actual_date = forms.DateField(label=_("Actual inspection date"), widget=DateInput)
    actual_date_reason = forms.CharField(
        label=_("Why on another day than planned"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolveObjectionForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))
