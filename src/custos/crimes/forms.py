from __future__ import annotations

from django import forms

from custos.core.govuk import GovukFormMixin
from custos.crimes.intake import offence_choices
from custos.crimes.models import Crime, CrimeStatus, Suspect, SuspectStatus
from custos.crimes.rules import BURGLARY_FACTORS, EBIT_FACTORS
from custos.workforce.models import Borough, Team

FACTOR_CHOICES = [(k, f"{label} (EBIT)") for k, label in EBIT_FACTORS] + [
    (k, f"{label} (burglary)") for k, label in BURGLARY_FACTORS
]


class CrimeFilterForm(GovukFormMixin, forms.Form):
    q = forms.CharField(label="Reference, place or offence", required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *CrimeStatus.choices], required=False)
    tier = forms.ChoiceField(
        choices=[("", "Any")] + [(t, t) for t in ("T1", "T2", "T3", "T4")], required=False
    )
    unallocated = forms.BooleanField(label="Unallocated only", required=False)


class CrimeForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(
        required=False, max_length=40, help_text="Leave blank to number it automatically."
    )
    offence_key = forms.ChoiceField(label="Offence", choices=[])
    borough = forms.ModelChoiceField(queryset=Borough.objects.all())
    team = forms.ModelChoiceField(queryset=Team.objects.select_related("borough"), required=False)
    recorded_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    occurred_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reported_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    location = forms.CharField(required=False, max_length=200)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    vulnerable_victim = forms.BooleanField(required=False)
    domestic_abuse = forms.BooleanField(required=False)
    hate = forms.BooleanField(label="Hate crime", required=False)
    child_victim = forms.BooleanField(required=False)
    weapon = forms.BooleanField(required=False)
    serious_injury = forms.BooleanField(required=False)
    commercial_victim = forms.BooleanField(required=False)
    high_risk = forms.BooleanField(required=False)
    threat_to_life = forms.BooleanField(required=False)
    expected_lines_of_enquiry = forms.IntegerField(min_value=0, max_value=50, initial=0)
    solvability_factors = forms.MultipleChoiceField(
        choices=FACTOR_CHOICES, required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    series_id = forms.CharField(label="Linked series", required=False, max_length=40)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offence_key"].choices = offence_choices()  # type: ignore[attr-defined]


class ImportForm(GovukFormMixin, forms.Form):
    borough = forms.ModelChoiceField(queryset=Borough.objects.all())
    file = forms.FileField(
        label="police.uk street CSV", help_text="The police.uk street-level columns, UTF-8."
    )


class SuspectForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(choices=SuspectStatus.choices)
    name = forms.CharField(required=False, max_length=160)
    description = forms.CharField(required=False, max_length=300)
    offender_reference = forms.CharField(
        label="Offender register reference",
        required=False,
        max_length=40,
        help_text="If the suspect is on the offender register.",
    )


class CrimeEditForm(GovukFormMixin, forms.Form):
    """The recorded facts of a crime, as the API's PATCH changes them (the tier is recomputed on save)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    offence_key = forms.ChoiceField(label="Offence", choices=[])
    occurred_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reported_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    location = forms.CharField(required=False, max_length=200)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    thrive_threat = forms.CharField(label="THRIVE: threat", required=False, max_length=200)
    thrive_harm = forms.CharField(label="THRIVE: harm", required=False, max_length=200)
    thrive_risk = forms.CharField(label="THRIVE: risk", required=False, max_length=200)
    thrive_investigation = forms.CharField(label="THRIVE: investigation", required=False, max_length=200)
    thrive_vulnerability = forms.CharField(label="THRIVE: vulnerability", required=False, max_length=200)
    thrive_engagement = forms.CharField(label="THRIVE: engagement", required=False, max_length=200)
    response_grade = forms.ChoiceField(label="Response grade", required=False, choices=[])
    thrive_assessed_by = forms.CharField(label="THRIVE assessed by", required=False, max_length=120)
    repeat_victim = forms.BooleanField(required=False)
    vulnerable_victim = forms.BooleanField(required=False)
    domestic_abuse = forms.BooleanField(required=False)
    hate = forms.BooleanField(label="Hate crime", required=False)
    child_victim = forms.BooleanField(required=False)
    weapon = forms.BooleanField(required=False)
    serious_injury = forms.BooleanField(required=False)
    commercial_victim = forms.BooleanField(required=False)
    high_risk = forms.BooleanField(required=False)
    threat_to_life = forms.BooleanField(required=False)
    expected_lines_of_enquiry = forms.IntegerField(min_value=0, max_value=200)
    solvability_factors = forms.MultipleChoiceField(
        choices=FACTOR_CHOICES, required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    series_id = forms.CharField(label="Linked series", required=False, max_length=40)

    THRIVE = {
        "threat": "thrive_threat",
        "harm": "thrive_harm",
        "risk": "thrive_risk",
        "investigation": "thrive_investigation",
        "vulnerability": "thrive_vulnerability",
        "engagement": "thrive_engagement",
        "response_grade": "response_grade",
        "assessed_by": "thrive_assessed_by",
        "repeat_victim": "repeat_victim",
    }

    def __init__(self, *args: object, grades: list[str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offence_key"].choices = offence_choices()  # type: ignore[attr-defined]
        self.fields["response_grade"].choices = [("", "Not graded")] + [  # type: ignore[attr-defined]
            (g, g) for g in grades or []
        ]

    @classmethod
    def initial_for(cls, crime: Crime) -> dict[str, object]:
        names = [n for n in cls.base_fields if n != "version"]
        return {"version": crime.version, **{n: getattr(crime, n) for n in names}}

    def service_data(self) -> dict[str, object]:
        """What crimes.services.crime_update takes: the fact fields, and THRIVE as one record."""
        d = dict(self.cleaned_data)
        d.pop("version")
        thrive = {element: d.pop(name) for element, name in self.THRIVE.items()}
        return {**d, "thrive": thrive}


class SuspectEditForm(GovukFormMixin, forms.Form):
    """A suspect's status after intake, with the name or offender register link that go with it."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=SuspectStatus.choices)
    name = forms.CharField(required=False, max_length=160, help_text="Needed once the suspect is named.")
    description = forms.CharField(required=False, max_length=300)
    offender_reference = forms.CharField(
        label="Offender register reference",
        required=False,
        max_length=40,
        help_text="If the suspect is on the offender register (a named suspect).",
    )

    @classmethod
    def initial_for(cls, suspect: Suspect) -> dict[str, object]:
        return {
            "version": suspect.version,
            **{n: getattr(suspect, n) for n in cls.base_fields if n != "version"},
        }
