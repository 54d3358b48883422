"""Forms for the registry, campaigns, complaints, supervision steps, rectification answers and annual
reports. Messages are in the user's language; bound forms keep what was typed."""

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.applications.forms import DateInput
from cases.models import (
    Complaint,
    District,
    Filing,
    Occupation,
    Organisation,
    Sanction,
    SkillLevel,
    SupervisionCase,
)
from cases.supervision.services import cases as supervision
from workflow import roles


def _inspectors():
    return User.objects.filter(groups__name=roles.INSPECTOR, is_active=True).order_by("username")


class InspectorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username}（{obj.username}）"


class InspectorsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username}（{obj.username}）"


class LinesField(forms.CharField):
    """A textarea read as one item per non-empty line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        return [line.strip() for line in (super().to_python(value) or "").splitlines() if line.strip()]


class ComplaintForm(forms.Form):
    filing_number = forms.CharField(
        label=_("Filing number of the body"), max_length=32, help_text=_("As shown in the public directory.")
    )
    source = forms.ChoiceField(label=_("Source"), choices=Complaint.Source.choices)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput(), initial=timezone.localdate)
    complainant = forms.CharField(label=_("Complainant (optional)"), max_length=100, required=False)
    contact = forms.CharField(label=_("Contact (optional)"), max_length=100, required=False)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)

    def clean_filing_number(self):
        number = self.cleaned_data["filing_number"].strip()
        filing = Filing.objects.filter(number=number).first()
        if filing is None:
            raise ValidationError(_("No filed body has the number %(number)s.") % {"number": number})
        self.cleaned_data["filing"] = filing
        return number

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise ValidationError(_("The date received cannot be in the future."))
        return received_on


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts (none: all)"),
        queryset=District.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds (none: all)"),
        choices=Organisation.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories (none: all)"),
        choices=Organisation.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    occupations = forms.ModelMultipleChoiceField(
        label=_("Occupations (none: all)"),
        queryset=Occupation.objects.filter(active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    sample_size = forms.IntegerField(label=_("Sample size (bodies)"), min_value=1, required=False)
    sample_ratio = forms.IntegerField(label=_("or sample ratio (%)"), min_value=1, max_value=100, required=False)
    inspector_pool = InspectorsChoice(
        label=_("Inspector pool"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    inspectors_per_case = forms.IntegerField(label=_("Inspectors per body"), min_value=2, max_value=5, initial=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector_pool"].queryset = _inspectors()

    def clean(self):
        cleaned = super().clean()
        size, ratio = cleaned.get("sample_size"), cleaned.get("sample_ratio")
        if (size is None) == (ratio is None) and "sample_size" not in self.errors and "sample_ratio" not in self.errors:
            raise ValidationError(_("Give either a sample size or a sample ratio, not both."))
        return cleaned


class CampaignCloseForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the results (published)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


# Supervision steps


class PlanForm(forms.Form):
    PLAN, DISMISS = "plan", "dismiss"
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[(PLAN, _("Plan the inspection")), (DISMISS, _("Close without inspection"))],
        widget=forms.RadioSelect,
        initial=PLAN,
    )
    inspection_date = forms.DateField(label=_("Inspection date"), widget=DateInput(), required=False)
    leader = InspectorChoice(label=_("Team leader"), queryset=User.objects.none(), required=False)
    members = InspectorsChoice(
        label=_("Other inspectors"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("Reason for closing without inspection"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, case: SupervisionCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        if case.campaign_id:  # the team was drawn at random: only the date is chosen here
            for name in ("action", "leader", "members", "reason"):
                del self.fields[name]
        else:
            self.fields["leader"].queryset = self.fields["members"].queryset = _inspectors()

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action", self.PLAN)
        cleaned.setdefault("action", self.PLAN)
        if action == self.PLAN:
            if not cleaned.get("inspection_date"):
                self.add_error("inspection_date", _("Choose the inspection date."))
            if not self.case.campaign_id and not cleaned.get("leader"):
                self.add_error("leader", _("Choose the team leader."))
        elif not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for closing the case without inspection."))
        return cleaned


class FindingsForm(forms.Form):
    conclusion = forms.ChoiceField(
        label=_("Conclusion"), choices=SupervisionCase.Conclusion.choices, widget=forms.RadioSelect
    )
    findings = LinesField(label=_("Problems found (one per line)"), required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("conclusion") == SupervisionCase.Conclusion.PROBLEMS and not cleaned.get("findings"):
            self.add_error("findings", _("List each problem found, one per line."))
        return cleaned


class _OrderFields(forms.Form):
    note = forms.CharField(label=_("Note or reasons"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    items = LinesField(label=_("Rectification items (one per line)"), required=False)
    working_days = forms.IntegerField(
        label=_("Working days to rectify"),
        min_value=1,
        max_value=supervision.MAX_RECTIFICATION_DAYS,
        initial=supervision.DEFAULT_RECTIFICATION_DAYS,
        required=False,
    )
    ORDER = ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.ORDER:
            if not cleaned.get("items"):
                self.add_error("items", _("List what the body must rectify, one item per line."))
            if not cleaned.get("working_days") and "working_days" not in self.errors:
                self.add_error("working_days", _("Give the number of working days allowed."))
        return cleaned


class DecideForm(_OrderFields):
    ORDER = supervision.RECTIFY
    decision = forms.ChoiceField(
        label=_("Decision on the findings"),
        choices=[
            (supervision.CLOSE, _("Close the case")),
            (supervision.RECTIFY, _("Order rectification")),
            (supervision.SANCTION, _("Go to sanction")),
        ],
        widget=forms.RadioSelect,
    )
    field_order = ["decision", "items", "working_days", "note"]

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None and case.findings and not self.is_bound:
            self.initial["items"] = "\n".join(case.findings)


class VerifyForm(_OrderFields):
    ORDER = supervision.REORDER
    decision = forms.ChoiceField(
        label=_("Decision on the rectification"),
        choices=[
            (supervision.ACCEPT, _("Accept the rectification and close")),
            (supervision.REORDER, _("Order rectification again")),
            (supervision.SANCTION, _("Go to sanction")),
        ],
        widget=forms.RadioSelect,
    )
    field_order = ["decision", "note", "items", "working_days"]

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        order = case.orders.order_by("-round").first() if case is not None else None
        if order is not None and not self.is_bound:
            self.initial["items"] = "\n".join(item.text for item in order.items.all())


class ScopeChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        levels = "、".join(str(SkillLevel(level).label) for level in sorted(obj.levels))
        return f"{obj.occupation} — {levels}"


class SanctionForm(forms.Form):
    measure = forms.ChoiceField(
        label=_("Measure"),
        choices=[*Sanction.Measure.choices, (supervision.NO_SANCTION, _("No sanction: close the case"))],
        widget=forms.RadioSelect,
    )
    scopes = ScopeChoice(
        label=_("Occupations to suspend"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reasons = forms.CharField(label=_("Reasons (published)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].queryset = case.filing.scope.filter(suspended=False).select_related("occupation")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("measure") == Sanction.Measure.SUSPEND_SCOPE and not cleaned.get("scopes"):
            self.add_error("scopes", _("Choose at least one occupation to suspend."))
        return cleaned


# The filed body's side


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ResponseForm(forms.Form):
    """One answer per item of the order, then the evidence files."""

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.item_fields = []
        for index, item in enumerate(order.items.all(), 1):
            name = f"item_{item.pk}"
            self.fields[name] = forms.CharField(
                label=_("%(index)d. %(item)s — what was done") % {"index": index, "item": item.text},
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=5000,
            )
            self.item_fields.append((item, name))
        self.fields["comment"] = forms.CharField(
            label=_("General comment (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
        )
        self.fields["evidence"] = MultipleFileField(
            label=_("Evidence (PDF, PNG or JPEG; several files allowed)"),
            help_text=_("Photos, records, revised rules: whatever shows each item was put right."),
        )

    def answers(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(name, "") for item, name in self.item_fields}


class AnnualReportForm(forms.Form):
    examiners = forms.IntegerField(label=_("Examiners (考评员) at the end of the year"), min_value=0)
    internal_supervisors = forms.IntegerField(label=_("Internal supervisors (督导员)"), min_value=0, initial=0)
    problems = forms.CharField(
        label=_("Problems met and measures taken"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReportLineForm(forms.Form):
    occupation = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.IntegerField(widget=forms.HiddenInput)
    assessments = forms.IntegerField(label=_("Assessments held"), min_value=0, initial=0)
    candidates = forms.IntegerField(label=_("Candidates"), min_value=0, initial=0)
    certificates = forms.IntegerField(label=_("Certificates issued"), min_value=0, initial=0)

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("certificates") or 0) > (cleaned.get("candidates") or 0):
            self.add_error("certificates", _("More certificates than candidates."))
        return cleaned


ReportLineFormSet = forms.formset_factory(ReportLineForm, extra=0)


def report_line_initial(filing: Filing) -> list[dict]:
    """One line per occupation and level of the body's scope, all zero."""
    return [
        {"occupation": row.occupation_id, "level": level, "assessments": 0, "candidates": 0, "certificates": 0}
        for row in filing.scope.select_related("occupation").order_by("id")
        for level in sorted(row.levels, reverse=True)
    ]
