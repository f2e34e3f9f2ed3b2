from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models

from custos.core.govuk import GovukFormMixin


@dataclass(frozen=True)
class BreakGlassType:
    label: str
    model: type[models.Model]
    reference_field: str
    url: Callable[[Any], str]


# Record types that support break-glass access; apps register theirs in AppConfig.ready().
BREAK_GLASS_TYPES: dict[str, BreakGlassType] = {}


def register_break_glass(object_type: str, spec: BreakGlassType) -> None:
    BREAK_GLASS_TYPES[object_type] = spec


class BreakGlassForm(GovukFormMixin, forms.Form):
    record_type = forms.ChoiceField(choices=())
    reference = forms.CharField(
        max_length=64, help_text="The record's reference, for example a staff number."
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text="Why you need this record now. This is recorded and shown to supervisors.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["record_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k, v.label) for k, v in BREAK_GLASS_TYPES.items()]

    def resolve(self) -> models.Model | None:
        spec = BREAK_GLASS_TYPES[self.cleaned_data["record_type"]]
        return spec.model._default_manager.filter(
            **{spec.reference_field: self.cleaned_data["reference"].strip()}
        ).first()

    def url_for(self, obj: Any) -> str:
        return BREAK_GLASS_TYPES[self.cleaned_data["record_type"]].url(obj)


class AuditSearchForm(GovukFormMixin, forms.Form):
    username = forms.CharField(required=False, max_length=150)
    action = forms.CharField(required=False, max_length=120, help_text="Prefix, e.g. custos.offender.")
    object_type = forms.CharField(required=False, max_length=80)
    object_id = forms.CharField(required=False, max_length=64)
    date_from = forms.DateField(
        required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    sensitive_only = forms.BooleanField(required=False, label="Reads of sensitive records only")
    break_glass_only = forms.BooleanField(required=False, label="Break-glass only")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError("The end date must be on or after the start date.")
        return data
