from __future__ import annotations

from django import forms

from custos.core.govuk import GovukFormMixin
from custos.investigations.rules import OUTCOME_NAMES

LINE_CHOICES = [
    ("pursued", "Pursued"),
    ("not-applicable", "Not applicable"),
    ("not-available", "Not available"),
]


class LineForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(choices=LINE_CHOICES)
    reason = forms.CharField(max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TaskForm(GovukFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class ReviewForm(GovukFormMixin, forms.Form):
    direction = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Direction given")
    actions = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Actions")
    next_review_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Next review",
        help_text="Leave blank for the latest the policy allows for this tier.",
    )


class OutcomeForm(GovukFormMixin, forms.Form):
    outcome = forms.TypedChoiceField(
        coerce=int, choices=[(n, f"{n}: {name}") for n, name in sorted(OUTCOME_NAMES.items()) if n]
    )
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    victim_informed = forms.BooleanField(
        required=False, label="The victim has been informed (and this is logged)"
    )


class SignoffForm(GovukFormMixin, forms.Form):
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Sign-off rationale")
