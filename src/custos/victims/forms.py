from __future__ import annotations

from typing import Any

from django import forms

from custos.core.govuk import GovukFormMixin
from custos.victims.models import ContactMethod, Representative, ReviewOutcome, VictimKind
from custos.victims.services import INVESTIGATION_EVENTS

DATE = forms.DateInput(attrs={"type": "date"})
EVENT_LABELS = {
    "arrest": "Suspect arrested",
    "interview": "Suspect interviewed under caution",
    "release-without-charge": "Suspect released without charge",
    "bail": "Suspect released on bail",
    "rui": "Suspect released under investigation",
    "bail-change": "Bail conditions changed or cancelled",
    "charge": "Suspect charged",
    "out-of-court": "Out-of-court disposal",
    "nfa": "No further action (decision not to prosecute)",
    "decision-not-to-investigate": "Decision not to investigate",
}


class VictimForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=VictimKind.choices, initial=VictimKind.PERSON)
    first_name = forms.CharField(max_length=80, required=False)
    last_name = forms.CharField(max_length=80, required=False)
    business_name = forms.CharField(max_length=160, required=False)
    named_contact = forms.CharField(
        max_length=160,
        required=False,
        help_text="A business without a named contact gets no Victims' Code services.",
    )
    date_of_birth = forms.DateField(required=False, widget=DATE)
    representative = forms.ChoiceField(choices=Representative.choices, required=False)
    representative_name = forms.CharField(max_length=160, required=False)
    bereaved_relative = forms.BooleanField(required=False, label="Bereaved close relative")
    mental_disorder = forms.BooleanField(required=False, label="Mental disorder (Mental Health Act 1983)")
    impairment = forms.BooleanField(
        required=False, label="Significant impairment of intelligence and social functioning"
    )
    physical_disability = forms.BooleanField(required=False, label="Physical disability or disorder")
    fear_or_distress = forms.BooleanField(required=False, label="Fear or distress about testifying")
    contact_method = forms.ChoiceField(choices=ContactMethod.choices)
    contact_details = forms.CharField(max_length=200, required=False)
    update_frequency_days = forms.IntegerField(
        min_value=1,
        required=False,
        label="Update frequency agreed (days)",
        help_text="Leave blank for the policy default.",
    )
    safe_contact_route = forms.CharField(
        max_length=300, required=False, label="Safe contact route (domestic abuse)"
    )
    language = forms.CharField(max_length=60, initial="English")
    interpreter_needed = forms.BooleanField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LinkForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(max_length=40, label="Crime reference")


class AssessForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(max_length=200, label="Why reassess")


class ObligationForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        choices=[("met", "Met"), ("declined", "Declined by the victim"), ("not-applicable", "Not applicable")]
    )
    evidence = forms.CharField(max_length=2000)
    on = forms.DateField(required=False, widget=DATE, label="Date")
    safe_route_confirmed = forms.BooleanField(required=False, label="Sent by the safe contact route")


class ObligationStartForm(GovukFormMixin, forms.Form):
    key = forms.CharField(max_length=40, widget=forms.HiddenInput)
    on = forms.DateField(required=False, widget=DATE, label="Date")


class WithdrawForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="The victim's reason"
    )
    on = forms.DateField(required=False, widget=DATE)


class EventForm(GovukFormMixin, forms.Form):
    event = forms.ChoiceField(choices=[(e, EVENT_LABELS.get(e, e)) for e in INVESTIGATION_EVENTS])
    occurred_on = forms.DateField(widget=DATE, label="Date of the event")


class ReviewRequestForm(GovukFormMixin, forms.Form):
    notified_on = forms.DateField(widget=DATE, label="Date the victim was told of the decision")
    requested_on = forms.DateField(widget=DATE, required=False, label="Date of the request")
    suspect_interviewed = forms.TypedChoiceField(
        choices=[
            ("", "As recorded: an interview event on the crime's victims page"),
            ("yes", "Yes, a suspect was interviewed under caution"),
            ("no", "No suspect was interviewed under caution"),
        ],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        label="Suspect interviewed under caution",
        help_text="A review is open only if a suspect was interviewed under caution (arrested or voluntary).",
    )


MERITS = (ReviewOutcome.UPHELD, ReviewOutcome.NOT_UPHELD)


class ReviewDecideForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(choices=ReviewOutcome.choices)
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, eligible: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An eligible request is decided on its merits; one the scheme does not cover is only closed.
        field = self.fields["outcome"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (value, label) for value, label in ReviewOutcome.choices if (value in MERITS) == eligible
        ]
        if not eligible:
            self.fields["reasons"].label = "Why it is not eligible (the victim is told this)"
