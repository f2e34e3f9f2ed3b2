from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from custos.allocation.models import ConflictKind
from custos.core.govuk import GovukFormMixin
from custos.core.policy import Policy
from custos.workforce.models import Person
from custos.workforce.picker import Choosable, PersonField, person_field


class RunForm(GovukFormMixin, forms.Form):
    dry_run = forms.BooleanField(label="Dry run (show the decision, write nothing)", required=False)


class OverrideForm(GovukFormMixin, forms.Form):
    officer = PersonField(label="Investigator")
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Why the engine's answer is set aside."
    )

    def __init__(
        self, *args: Any, officers: Choosable | QuerySet[Person] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if officers is not None:
            person_field(self, "officer").offer(officers)


class WhatIfForm(GovukFormMixin, forms.Form):
    caseload_red = forms.IntegerField(label="Caseload cap (red above)", min_value=1, max_value=100)
    probationer_caseload_red = forms.IntegerField(
        label="Probationer caseload cap", min_value=1, max_value=100
    )
    weighted_load_cap = forms.FloatField(label="Weighted load cap", min_value=1, max_value=1000)
    tier_weight_t1 = forms.FloatField(label="Tier weight T1", min_value=0.1, max_value=100)
    tier_weight_t2 = forms.FloatField(label="Tier weight T2", min_value=0.1, max_value=100)
    tier_weight_t3 = forms.FloatField(label="Tier weight T3", min_value=0.1, max_value=100)
    enhanced_victim_factor = forms.FloatField(label="Enhanced-victim factor", min_value=1, max_value=10)

    def changes(self, policy: Policy) -> dict[str, Any]:
        """The policy keys and values to simulate (the form must be valid)."""
        d = self.cleaned_data
        weights = dict(policy.get("allocation.tier_weight"))
        weights.update({"T1": d["tier_weight_t1"], "T2": d["tier_weight_t2"], "T3": d["tier_weight_t3"]})
        return {
            "allocation.caseload_red": d["caseload_red"],
            "allocation.probationer_caseload_red": d["probationer_caseload_red"],
            "allocation.weighted_load_cap": d["weighted_load_cap"],
            "allocation.tier_weight": weights,
            "allocation.enhanced_victim_factor": d["enhanced_victim_factor"],
        }


class ConflictForm(GovukFormMixin, forms.Form):
    officer = PersonField(label="Officer")
    kind = forms.ChoiceField(label="The conflict is with", choices=ConflictKind.choices)
    crime_reference = forms.CharField(
        label="Crime reference", required=False, max_length=40, help_text="For a conflict with a crime."
    )
    person_name = forms.CharField(
        label="Suspect's or victim's name",
        required=False,
        max_length=160,
        help_text="Matched against the suspects and victims of every crime, now and later.",
    )
    series_id = forms.CharField(label="Linked series", required=False, max_length=40)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="The relationship or interest, briefly."
    )

    def __init__(
        self, *args: Any, officers: Choosable | QuerySet[Person] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if officers is not None:
            person_field(self, "officer").offer(officers)


class WithdrawConflictForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why it no longer applies", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
