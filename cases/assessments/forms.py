"""Forms of the assessment: drawing the panel, an expert's scores."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PanelDrawForm(forms.Form):
    panel_size = forms.IntegerField(label=_("Experts to draw"), min_value=3, max_value=15)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel_size"].initial = settings.EXPERT_PANEL_SIZE


class ScoreForm(forms.Form):
    """One expert's scores: every rubric criterion 0-100 with a comment, weighted into the total."""

    comment = forms.CharField(label=_("Overall opinion"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(rubric.criteria.all()) if rubric else []
        for c in self.criteria:
            self.fields[f"points_{c.code}"] = forms.DecimalField(
                label=f"{c.code} {c.text}",
                min_value=0,
                max_value=100,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5", "data-weight": c.weight}),
            )
            self.fields[f"comment_{c.code}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        self.order_fields([*(name for c in self.criteria for name in (f"points_{c.code}", f"comment_{c.code}"))])

    def rows(self) -> list[dict]:
        return [
            {"criterion": c, "points": self[f"points_{c.code}"], "comment": self[f"comment_{c.code}"]}
            for c in self.criteria
        ]

    def points(self) -> dict:
        return {c.code: self.cleaned_data[f"points_{c.code}"] for c in self.criteria}

    def comments(self) -> dict:
        return {c.code: self.cleaned_data.get(f"comment_{c.code}", "") for c in self.criteria}
