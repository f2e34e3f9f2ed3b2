"""Forms for the lab pages (GOV.UK styled)."""

from __future__ import annotations

from typing import Any

from django import forms

from custos.core.govuk import GovukFormMixin
from custos.triage.models import GRADE_CHOICES, Device
from custos.workforce.models import Team, TeamType

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"})
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
# A web request holds a worker for the whole import: larger sets (NSRL) go through the CLI.
HASH_SET_TOO_LARGE = (
    f"The file is larger than {MAX_UPLOAD_BYTES // 1024**2} MB, too large to import here: "
    "use custos hashset import on the server."
)


class DeviceForm(GovukFormMixin, forms.ModelForm):
    capacity_gb = forms.DecimalField(
        label="Capacity (GB)", required=False, min_value=0, max_digits=10, decimal_places=1
    )

    class Meta:
        model = Device
        fields = [
            "exhibit_reference",
            "device_type",
            "make_model",
            "seal_number",
            "seized_from",
            "seized_at",
            "premises",
            "crime_reference",
            "suspect_name",
            "offender_id",
            "borough",
            "lab",
            "suspect_access_to_children",
            "suspect_is_rso",
            "contact_offending_indicators",
            "kirat_level",
            "referral_grade",
            "referral_received_on",
        ]
        widgets = {"seized_at": DATETIME, "referral_received_on": DATE}
        labels = {
            "offender_id": "RSO nominal (offender id), if the suspect is registered",
            "make_model": "Make and model",
            "suspect_access_to_children": "The suspect has access to children",
            "suspect_is_rso": "The suspect is a registered sex offender",
            "contact_offending_indicators": "There are contact-offending indicators",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
            team_type=TeamType.DIGITAL_FORENSICS_LAB
        ).select_related("borough")
        self.fields["borough"].required = False
        self.fields["borough"].help_text = "Leave blank to use the crime's borough (or your own)."


class CustodyForm(GovukFormMixin, forms.Form):
    to_holder = forms.CharField(label="Handed to", max_length=160)
    location = forms.CharField(max_length=160)
    purpose = forms.CharField(max_length=200)
    seal_number = forms.CharField(max_length=40, help_text="The seal on the bag after this handover.")
    seal_intact = forms.BooleanField(required=False, initial=True, label="The seal was intact")


class UploadForm(GovukFormMixin, forms.Form):
    report = forms.FileField(label="Triage report (JSON from custos triage scan)")

    def clean_report(self) -> Any:
        f = self.cleaned_data["report"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The report is too large to upload here; use the API or the CLI.")
        return f


class AssignForm(GovukFormMixin, forms.Form):
    examiner = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReturnForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Why the device goes back without a full examination.",
    )


class CompleteForm(GovukFormMixin, forms.Form):
    category_a = forms.IntegerField(label="Category A images confirmed", min_value=0, initial=0)
    category_b = forms.IntegerField(label="Category B images confirmed", min_value=0, initial=0)
    category_c = forms.IntegerField(label="Category C images confirmed", min_value=0, initial=0)
    # Not "reason": the return form on the same page has that field, and the two would share an element id.
    notes = forms.CharField(
        label="Examination notes", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )


class GradingForm(GovukFormMixin, forms.Form):
    sha256 = forms.CharField(label="SHA-256", max_length=64, required=False)
    sha1 = forms.CharField(label="SHA-1", max_length=40, required=False)
    md5 = forms.CharField(label="MD5", max_length=32, required=False)
    pdq = forms.CharField(label="PDQ (optional)", max_length=64, required=False)
    category = forms.ChoiceField(choices=GRADE_CHOICES)
    note = forms.CharField(max_length=300, required=False)


class HashSetImportForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        help_text="VICS JSON, CSV, hashdeep, NSRLFile.txt, a PDQ list or an NSRL RDS database, "
        f"up to {MAX_UPLOAD_BYTES // 1024**2} MB."
    )
    name = forms.CharField(max_length=120)
    version = forms.CharField(max_length=60, required=False)
    known_good = forms.BooleanField(required=False, label="Known-good set (filters files out)")

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(HASH_SET_TOO_LARGE)
        return f
