"""Forms for drawing teams and panels, answering a draw, recording an inspection and scoring."""

from types import SimpleNamespace

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.applications.forms import DateInput
from cases.inspections.photos import photo_check
from cases.inspections.services import FindingEntry
from cases.models import InspectionFinding, SiteInspection
from cases.models.inspections import conclude

Result = InspectionFinding.Result


Conclusion = SiteInspection.Conclusion


class InspectionPlanForm(forms.Form):
    planned_date = forms.DateField(label=_("Inspection date"), widget=DateInput)
    team_size = forms.IntegerField(
        label=_("Inspectors to draw"),
        min_value=2,
        max_value=6,
        help_text=_("The first person drawn leads the team."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team_size"].initial = settings.INSPECTION_TEAM_SIZE

    def clean_planned_date(self):
        value = self.cleaned_data["planned_date"]
        if value < timezone.localdate():
            raise ValidationError(_("The inspection date cannot be in the past."))
        return value


class CameraInput(forms.FileInput):
    """Opens the camera on phones; several photos at once elsewhere."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/*", "capture": "environment", "multiple": True, **(attrs or {})})


class PhotosField(forms.FileField):
    widget = CameraInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        errors = []
        for uploaded in files:
            try:
                photo_check(uploaded)
            except ValidationError as error:
                errors.append(f"{uploaded.name}: {' '.join(error.messages)}")
        if errors:
            raise ValidationError(errors)
        return files


class ChecklistForm(forms.Form):
    """Per checklist item: result, note and photos; with `can_sign` also the conclusion for the leader.

    Results are optional while saving (the team fills them in over the visit) and required when signing.
    """

    def __init__(self, *args, inspection, signing=False, can_sign=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection, self.signing, self.can_sign = inspection, signing, can_sign
        self.findings = list(inspection.findings.prefetch_related("photos"))
        for f in self.findings:
            self.fields[f"result_{f.code}"] = forms.ChoiceField(
                label=f"{f.code} {f.text}",
                choices=Result.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=f.result or None,
            )
            self.fields[f"note_{f.code}"] = forms.CharField(
                label=_("Note"), required=False, initial=f.note, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"photos_{f.code}"] = PhotosField(label=_("Add photos"), required=False)
        if can_sign:
            complete = all(f.result for f in self.findings)
            self.fields["conclusion"] = forms.ChoiceField(
                label=_("Conclusion"),
                choices=Conclusion.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=self.saved_conclusion() if complete else None,
            )
            self.fields["conclusion_reason"] = forms.CharField(
                label=_("Why the conclusion differs from the computed one"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields["summary"] = forms.CharField(
                label=_("Summary"), required=False, initial=inspection.summary, widget=forms.Textarea(attrs={"rows": 3})
            )

    def saved_conclusion(self) -> str:
        return conclude(self.findings, basically_share=settings.INSPECTION_BASICALLY_MEETS_SHARE)

    def rows(self) -> list[dict]:
        return [
            {
                "finding": f,
                "result": self[f"result_{f.code}"],
                "note": self[f"note_{f.code}"],
                "photos": self[f"photos_{f.code}"],
            }
            for f in self.findings
        ]

    def _merged(self) -> list:
        data = self.cleaned_data
        return [
            SimpleNamespace(code=f.code, weight=f.weight, veto=f.veto, result=data.get(f"result_{f.code}") or f.result)
            for f in self.findings
        ]

    def computed_conclusion(self) -> str:
        return conclude(self._merged(), basically_share=settings.INSPECTION_BASICALLY_MEETS_SHARE)

    def clean(self):
        cleaned = super().clean()
        if not self.signing:
            return cleaned
        merged = self._merged()
        for item in merged:
            if not item.result:
                self.add_error(f"result_{item.code}", _("Choose pass, fail or not applicable."))
        if any(not item.result for item in merged):
            return cleaned
        conclusion = cleaned.get("conclusion")
        if not conclusion:
            self.add_error("conclusion", _("Confirm the conclusion."))
            return cleaned
        computed = self.computed_conclusion()
        vetoed = [item.code for item in merged if item.veto and item.result == Result.FAIL]
        if vetoed and conclusion != Conclusion.FAILS:
            self.add_error(
                "conclusion",
                _("Veto items failed (%(items)s): the conclusion can only be “%(fails)s”.")
                % {"items": ", ".join(vetoed), "fails": Conclusion.FAILS.label},
            )
        elif conclusion != computed and not cleaned.get("conclusion_reason", "").strip():
            self.add_error(
                "conclusion_reason",
                _("The checklist gives “%(computed)s”; explain why the conclusion differs.")
                % {"computed": Conclusion(computed).label},
            )
        return cleaned

    def entries(self) -> dict[str, FindingEntry]:
        data = self.cleaned_data
        return {
            f.code: FindingEntry(
                result=data.get(f"result_{f.code}") or None,
                note=data.get(f"note_{f.code}", ""),
                photos=data.get(f"photos_{f.code}") or [],
            )
            for f in self.findings
        }
