from __future__ import annotations

from typing import Any

from django import forms

from custos.core.govuk import GovukFormMixin
from custos.workforce import pickers
from custos.workforce.models import Absence, AbsenceKind, Person, Specialism, Team
from custos.workforce.picker import PersonField, person_field

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class PersonForm(GovukFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = [
            "staff_number",
            "first_name",
            "last_name",
            "rank",
            "job_role",
            "borough",
            "team",
            "line_supervisor",
            "start_date",
            "probationer",
            "pip_level",
            "pip_accredited_on",
            "visor_authorised",
            "visor_trained_on",
            "visor_training_expires",
            "workload_training_on",
            "workload_training_expires",
            "hours_per_week",
            "active",
        ]
        widgets = {
            "start_date": DATE,
            "pip_accredited_on": DATE,
            "visor_trained_on": DATE,
            "visor_training_expires": DATE,
            "workload_training_on": DATE,
            "workload_training_expires": DATE,
        }
        field_classes = {"line_supervisor": PersonField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        borough_id = self.instance.borough_id if self.instance.pk else None
        teams = Team.objects.select_related("borough")
        if borough_id:
            teams = teams.filter(borough_id=borough_id)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        person_field(self, "line_supervisor").offer(pickers.line_supervisors(self.instance))
        if self.instance.pk:
            self.fields["staff_number"].disabled = True
            self.fields["borough"].disabled = True
            self.fields["version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        # Model-level validation happens in services through workforce.rules, so that the API, the CLI
        # and this form give the same messages.
        return super().clean() or {}

    def _post_clean(self) -> None:
        # Skip ModelForm's instance.full_clean(); the service validates the whole record.
        pass


class AbsenceForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["kind", "starts_on", "ends_on", "note"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def _post_clean(self) -> None:
        pass


class AccreditationForm(GovukFormMixin, forms.Form):
    specialism = forms.ChoiceField(choices=Specialism.choices)
    accredited_on = forms.DateField(widget=DATE)
    expires_on = forms.DateField(widget=DATE, required=False)


class PersonFilterForm(GovukFormMixin, forms.Form):
    q = forms.CharField(required=False, label="Name or staff number")
    borough = forms.CharField(required=False)
    rank = forms.CharField(required=False)
    pip_level = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any")] + [(str(i), f"PIP{i}" if i else "None") for i in range(5)],
    )
    probationer = forms.NullBooleanField(
        required=False, widget=forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])
    )


__all__ = ["AbsenceForm", "AbsenceKind", "AccreditationForm", "PersonFilterForm", "PersonForm"]


class TeamForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["borough", "name", "team_type", "supervisor"]
        field_classes = {"supervisor": PersonField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["borough"].disabled = True
        person_field(self, "supervisor").offer(pickers.team_supervisors(self.instance))
        self.fields["supervisor"].required = False

    def _post_clean(self) -> None:
        pass
