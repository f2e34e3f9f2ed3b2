"""Forms for the offender screens (GOV.UK styling). Validation of the law lives in services and rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from custos.core.govuk import GovukFormMixin
from custos.core.policy import current_policy
from custos.offenders.models import (
    Address,
    AddressKind,
    Alias,
    BreachDecision,
    Conviction,
    MappaCategory,
    MappaLevel,
    NotifiableDetail,
    NotifiableKind,
    Offender,
    TaskKind,
)
from custos.offenders.models.nominal import MODE_CHOICES, ROSH_CHOICES, _choices
from custos.offenders.models.records import NOTIFICATION_KIND_LABELS, VISIT_OUTCOME_LABELS
from custos.offenders.pickers import lead_candidates, new_deputy_managers, new_lead_managers
from custos.offenders.rules import AwayKind, NotificationKind, VisitOutcome
from custos.offenders.services.details import END_BEFORE_START
from custos.offenders.services.links import LINK_REFERENCE_REQUIRED
from custos.offenders.services.register import lead_manager_problems
from custos.workforce.models import Borough, Person, Team
from custos.workforce.picker import Choosable, PersonField, person_field

DATE = forms.DateInput(attrs={"type": "date"})
People = Choosable | QuerySet[Person]
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _reason_codes() -> list[tuple[str, str]]:
    codes = current_policy().get("offenders.visits.announce_reason_codes")
    return [("", "Not announced")] + [(c, c.replace("-", " ").capitalize()) for c in codes]


def explain_refused_lead(form: forms.BaseForm, borough_id: int | None) -> None:
    """A lead the picker does not offer, posted anyway: the field refuses them; say why in the service's own
    words ("their ViSOR training expired on ...") rather than "not one of the choices"."""
    if not form.has_error("lead_manager"):
        return
    probe = PersonField(required=False)
    probe.offer(lead_candidates(borough_id))
    try:
        person = probe.clean(form["lead_manager"].data)
    except forms.ValidationError:
        return
    if person is not None:
        errors, _ = lead_manager_problems(person, today=timezone.localdate())
        if errors:
            form.errors["lead_manager"] = form.error_class(errors)


class VisitForm(GovukFormMixin, forms.Form):
    attempted_at = forms.DateTimeField(label="When", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    outcome = forms.ChoiceField(
        choices=[("", "Choose"), *_choices(VisitOutcome, VISIT_OUTCOME_LABELS)], widget=forms.RadioSelect
    )
    officer = PersonField(required=False, label="Officer")
    second_officer = PersonField(required=False, label="Second officer")
    announced = forms.BooleanField(required=False, label="The visit was announced in advance")
    announce_reason = forms.ChoiceField(choices=(), required=False, label="Reason for announcing")
    for_risk_assessment = forms.BooleanField(required=False, initial=True, label="For risk assessment")
    observations = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    devices_seen = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    risk_indicators = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, officers: People | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if officers is not None:
            person_field(self, "officer").offer(officers)
            person_field(self, "second_officer").offer(officers)
        self.fields["announce_reason"].choices = _reason_codes()  # type: ignore[attr-defined]


class PlanVisitForm(GovukFormMixin, forms.Form):
    planned_for = forms.DateTimeField(widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    officer = PersonField()
    second_officer = PersonField(required=False)
    announce_reason = forms.ChoiceField(
        choices=(), required=False, label="Reason for announcing (if announced)"
    )

    def __init__(self, *args: Any, officers: People | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if officers is not None:
            person_field(self, "officer").offer(officers)
            person_field(self, "second_officer").offer(officers)
        self.fields["announce_reason"].choices = _reason_codes()  # type: ignore[attr-defined]


class NotificationForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=_choices(NotificationKind, NOTIFICATION_KIND_LABELS))
    on = forms.DateField(widget=DATE, label="Date notified")
    expected_on = forms.DateField(
        widget=DATE,
        required=False,
        label="Expected date of the change (advance notice only)",
        help_text="For a change notified before it happens (s.84(2)): the date the offender expects it.",
    )
    station = forms.CharField(max_length=120, label="Prescribed police station")
    in_person = forms.BooleanField(required=False, initial=True, label="In person")
    details = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RM2000Form(GovukFormMixin, forms.Form):
    scale = forms.ChoiceField(choices=[("s", "RM2000/S (sexual)"), ("v", "RM2000/V (violent)")])
    assessed_on = forms.DateField(widget=DATE)
    age = forms.IntegerField(min_value=10, max_value=120)
    sexual_appearances = forms.IntegerField(min_value=0, required=False, initial=1)
    criminal_appearances = forms.IntegerField(min_value=0, required=False, initial=1)
    violent_appearances = forms.IntegerField(min_value=0, required=False, initial=0)
    burglary = forms.BooleanField(required=False)
    male_victim = forms.BooleanField(required=False)
    stranger_victim = forms.BooleanField(required=False)
    non_contact = forms.BooleanField(required=False)
    single = forms.BooleanField(required=False, label="Never in a 2-year marriage-type relationship")
    offence_after_16 = forms.BooleanField(required=False, initial=True, label="A sexual offence after age 16")

    def rule_inputs(self) -> dict[str, Any]:
        d = self.cleaned_data
        if d["scale"] == "s":
            keys = [
                "age",
                "sexual_appearances",
                "criminal_appearances",
                "male_victim",
                "stranger_victim",
                "non_contact",
                "single",
                "offence_after_16",
            ]
        else:
            keys = ["age", "violent_appearances", "burglary"]
        return {k: (d.get(k) or 0) if k.endswith("appearances") else d.get(k) for k in keys}


class ArmsForm(GovukFormMixin, forms.Form):
    assessed_on = forms.DateField(widget=DATE)
    risk_factors = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="One per line.")
    protective_factors = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="One per line."
    )
    judgement = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Professional judgement")
    significant_change_on = forms.DateField(
        widget=DATE, required=False, help_text="A significant change brings the next review forward."
    )


class ManagementForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    mappa_category = forms.TypedChoiceField(coerce=int, choices=MappaCategory.choices, label="MAPPA category")
    mappa_level = forms.TypedChoiceField(coerce=int, choices=MappaLevel.choices, label="MAPPA level")
    management_mode = forms.ChoiceField(choices=MODE_CHOICES)
    rosh_level = forms.ChoiceField(choices=ROSH_CHOICES, label="RoSH level")
    rosh_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="RoSH reason")
    lead_manager = PersonField(required=False)
    deputy_manager = PersonField(required=False)
    whereabouts_verified = forms.BooleanField(required=False)
    no_fixed_abode = forms.BooleanField(required=False)

    def __init__(
        self,
        *args: Any,
        managers: People | None = None,
        leads: People | None = None,
        borough_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        """``leads``: whom the lead field offers (``pickers.lead_managers``); ``managers``: the deputy's."""
        super().__init__(*args, **kwargs)
        self.borough_id = borough_id
        if leads is not None:
            person_field(self, "lead_manager").offer(leads)
            self._say_why_the_current_lead_is_not_offered(leads)
        if managers is not None:
            person_field(self, "deputy_manager").offer(managers)

    def _say_why_the_current_lead_is_not_offered(self, leads: People) -> None:
        current = self.initial.get("lead_manager")
        people = leads.people if isinstance(leads, Choosable) else leads
        if current is None or people.filter(pk=current).exists():
            return
        person = Person.objects.filter(pk=current).first()
        if person is not None:
            errors, _ = lead_manager_problems(person, today=timezone.localdate())
            if errors:
                # The record has a lead who may no longer hold it: saving must name a new one, never quietly
                # leave the offender with no lead at all.
                field = self.fields["lead_manager"]
                field.help_text = " ".join(errors)
                field.required = True
                field.error_messages["required"] = LEAD_LAPSED_CHOOSE_ANOTHER.format(reason=" ".join(errors))

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        explain_refused_lead(self, self.borough_id)
        return d


class TaskCloseForm(GovukFormMixin, forms.Form):
    decision = forms.CharField(max_length=120)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))


class TransferForm(GovukFormMixin, forms.Form):
    to_borough = forms.ModelChoiceField(queryset=Borough.objects.all(), required=False)
    to_force = forms.CharField(max_length=80, required=False, label="Or another force")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class SearchForm(GovukFormMixin, forms.Form):
    name = forms.CharField(required=False, label="Name or alias")
    date_of_birth = forms.DateField(required=False, widget=DATE)
    address = forms.CharField(required=False, label="Address or postcode")
    vrm = forms.CharField(required=False, label="Vehicle registration")


class WarrantForm(GovukFormMixin, forms.Form):
    action = forms.ChoiceField(
        choices=[("apply", "Applied"), ("grant", "Granted"), ("refuse", "Refused"), ("execute", "Executed")]
    )
    on = forms.DateField(widget=DATE)
    address = forms.CharField(required=False, max_length=200)
    court = forms.CharField(required=False, max_length=120)
    outcome = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BreachForm(GovukFormMixin, forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("record", "Recorded on systems"),
            ("decide", "DI decisions"),
            ("review", "7-day review"),
            ("close", "Close"),
        ]
    )
    pnc = forms.BooleanField(required=False, label="Recorded on PNC")
    visor = forms.BooleanField(required=False, label="Recorded on ViSOR")
    mapp_meeting = forms.ChoiceField(
        choices=[("", "—"), ("yes", "Urgent MAPP meeting"), ("no", "No meeting")],
        required=False,
        label="Urgent MAPP meeting (DI decision)",
    )
    enforcement = forms.ChoiceField(
        choices=[("", "—"), *BreachDecision.choices],
        required=False,
        label="Arrest, wanted circulation or recall (DI decision)",
    )
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Rationale or note"
    )


ADD_NEEDS_LAST_NAME = "Enter the last name the offender uses as an alias."
ADD_NEEDS_ADDRESS = "Enter the first line of the address."
ADD_NEEDS_DETAIL = "Enter the detail: the registration, number or identifier."
ADD_NEEDS_AWAY_KIND = "Choose custody, hospital or abroad."


class DetailForm(GovukFormMixin, forms.Form):
    """The record page's "Add a detail": one form for each kind of addition, the fields that apply to the
    chosen section required of it (the section's own first field shows the error)."""

    section = forms.ChoiceField(
        label="What to add",
        choices=[
            ("alias", "Alias (first and last name)"),
            ("address", "Address"),
            ("detail", "Notifiable detail (kind and value)"),
            ("away", "Custody, hospital or abroad"),
            ("link", "Link (kind and reference)"),
        ],
    )
    first_name = forms.CharField(required=False, label="First name (alias)")
    last_name = forms.CharField(required=False, label="Last name (alias)")
    address_kind = forms.ChoiceField(choices=AddressKind.choices, required=False, label="Kind of address")
    line1 = forms.CharField(required=False, label="Address line")
    town = forms.CharField(required=False, label="Town")
    postcode = forms.CharField(required=False, label="Postcode")
    detail_kind = forms.ChoiceField(
        choices=NotifiableKind.choices, required=False, label="Kind of notifiable detail"
    )
    link_kind = forms.ChoiceField(
        choices=[("crime", "Crime"), ("investigation", "Investigation"), ("device", "Device")],
        required=False,
        label="Link to",
    )
    away_kind = forms.ChoiceField(
        choices=[("", "—"), *_choices(AwayKind)], required=False, label="Custody, hospital or abroad"
    )
    value = forms.CharField(required=False, label="Value or reference")
    from_date = forms.DateField(widget=DATE, required=False, label="From")
    to_date = forms.DateField(widget=DATE, required=False, label="To")

    NEEDS = {
        "alias": ("last_name", ADD_NEEDS_LAST_NAME),
        "address": ("line1", ADD_NEEDS_ADDRESS),
        "detail": ("value", ADD_NEEDS_DETAIL),
        "away": ("away_kind", ADD_NEEDS_AWAY_KIND),
        "link": ("value", LINK_REFERENCE_REQUIRED),
    }

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        needed = self.NEEDS.get(d.get("section", ""))
        if needed is not None and not d.get(needed[0]) and needed[0] not in self.errors:
            self.add_error(needed[0], needed[1])
        start, end = d.get("from_date"), d.get("to_date")
        if start is not None and end is not None and end < start:
            self.add_error("to_date", END_BEFORE_START.format(start=start))
        return d


TASK_KIND_CHOICES = [("", "Any"), *TaskKind.choices]


DOB_IN_FUTURE = "Date of birth must be in the past."
MANAGED_SINCE_IN_FUTURE = "Management cannot start in the future."
FIRST_NOTIFICATION_BEFORE_BIRTH = "The first notification cannot be before the date of birth."
TEAM_OTHER_BOROUGH = "Choose a team in the offender's borough."
LEAD_OTHER_BOROUGH = "Choose an offender manager from the offender's borough."
LEAD_LAPSED_CHOOSE_ANOTHER = "Choose a new lead offender manager. {reason}"
BOROUGH_REQUIRED = "Choose the borough that will manage this offender."


class OffenderCreateForm(GovukFormMixin, forms.ModelForm):
    """A new nominal record. The borough is the creator's own unless an administrator chooses it."""

    class Meta:
        model = Offender
        fields = [
            "reference",
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "pnc_id",
            "description",
            "marks",
            "borough",
            "team",
            "mappa_category",
            "mappa_level",
            "management_mode",
            "rosh_level",
            "rosh_reason",
            "lead_manager",
            "deputy_manager",
            "managed_since",
            "first_notification_on",
            "no_fixed_abode",
            "preventive_order",
        ]
        widgets = {
            "date_of_birth": DATE,
            "managed_since": DATE,
            "first_notification_on": DATE,
            "description": forms.Textarea(attrs={"rows": 2}),
            "marks": forms.Textarea(attrs={"rows": 2}),
            "rosh_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"reference": "Leave blank to give the next ON-number."}
        labels = {"mappa_category": "MAPPA category", "mappa_level": "MAPPA level", "pnc_id": "PNC ID"}
        field_classes = {"lead_manager": PersonField, "deputy_manager": PersonField}

    def __init__(self, *args: Any, borough: Borough | None = None, **kwargs: Any) -> None:
        """``borough``: the creator's own borough (fixed); None lets an administrator choose any."""
        super().__init__(*args, **kwargs)
        self.fixed_borough = borough
        self.fields["reference"].required = False
        self.fields["rosh_reason"].required = True
        self.fields["rosh_reason"].label = "RoSH reason"
        # Team names carry their borough's code: one join, not a query per team.
        teams = (
            Team.objects.filter(team_type="offender-management").select_related("borough").order_by("name")
        )
        if borough is not None:
            del self.fields["borough"]
            teams = teams.filter(borough=borough)
        else:
            self.fields["borough"].required = True
            self.fields["borough"].error_messages["required"] = BOROUGH_REQUIRED
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        person_field(self, "lead_manager").offer(new_lead_managers(borough))
        self.fields["lead_manager"].help_text = "Must be a ViSOR authorised user with current training."
        person_field(self, "deputy_manager").offer(new_deputy_managers(borough))

    def clean_date_of_birth(self) -> date:
        dob: date = self.cleaned_data["date_of_birth"]
        if dob >= timezone.localdate():
            raise forms.ValidationError(DOB_IN_FUTURE)
        return dob

    def clean_managed_since(self) -> date:
        since: date = self.cleaned_data["managed_since"]
        if since > timezone.localdate():
            raise forms.ValidationError(MANAGED_SINCE_IN_FUTURE)
        return since

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        borough = self.fixed_borough or d.get("borough")
        dob, first = d.get("date_of_birth"), d.get("first_notification_on")
        if dob and first and first < dob:
            self.add_error("first_notification_on", FIRST_NOTIFICATION_BEFORE_BIRTH)
        if borough is not None:
            team, lead = d.get("team"), d.get("lead_manager")
            if team is not None and team.borough_id != borough.pk:
                self.add_error("team", TEAM_OTHER_BOROUGH)
            if lead is not None and lead.borough_id != borough.pk:
                self.add_error("lead_manager", LEAD_OTHER_BOROUGH)
        explain_refused_lead(self, self.fixed_borough.pk if self.fixed_borough else None)
        return d

    def offender_data(self) -> dict[str, Any]:
        """The cleaned fields as keyword arguments for ``services.offender_create``."""
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        data["borough"] = self.fixed_borough or data["borough"]
        for name in ("pnc_id", "description", "marks", "preventive_order", "reference"):
            data[name] = data.get(name) or ""
        return data


class ConvictionForm(GovukFormMixin, forms.ModelForm):
    """A conviction, finding or caution. The service checks what s.82 needs (term, discharge period)."""

    class Meta:
        model = Conviction
        fields = [
            "offence",
            "schedule3",
            "conviction_date",
            "sentence_date",
            "disposal",
            "term_months",
            "discharge_months",
            "court",
        ]
        widgets = {"conviction_date": DATE, "sentence_date": DATE}
        labels = {
            "conviction_date": "Date of conviction, finding or caution",
            "term_months": "Term of imprisonment or detention (months)",
            "discharge_months": "Conditional discharge period (months)",
        }
        help_texts = {
            "disposal": "Detention (DTO, YOI) and suspended sentences count as imprisonment (s.131).",
            "term_months": "Consecutive terms added together (s.82(4)).",
        }


class PhotoForm(GovukFormMixin, forms.Form):
    image = forms.FileField(label="Photo", allow_empty_file=False)
    taken_on = forms.DateField(widget=DATE, label="Date taken")
    caption = forms.CharField(max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy = current_policy()
        formats = [str(f).upper() for f in policy.get("offenders.photos.formats")]
        limit_mb = int(policy.get("offenders.photos.max_bytes")) / 1048576
        image = self.fields["image"]
        image.help_text = f"{', '.join(formats)} image, up to {limit_mb:g} MB. Stored privately."
        image.widget.attrs["class"] = "govuk-file-upload"
        image.widget.attrs["accept"] = ",".join(f"image/{f.lower()}" for f in formats)


class _VersionedItemForm(GovukFormMixin, forms.ModelForm):
    """Edits an alias, address or detail. Built without an instance so the service sees the old values."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    period = ("from_date", "to_date")

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        start, end = d.get(self.period[0]), d.get(self.period[1])
        if start is not None and end is not None and end < start:
            self.add_error(self.period[1], END_BEFORE_START.format(start=start))
        return d


class AliasEditForm(_VersionedItemForm):
    period = ("used_from", "used_to")

    class Meta:
        model = Alias
        fields = ["first_name", "last_name", "used_from", "used_to"]
        widgets = {"used_from": DATE, "used_to": DATE}
        labels = {"used_from": "Used from", "used_to": "Used until"}


class AddressEditForm(_VersionedItemForm):
    class Meta:
        model = Address
        fields = ["kind", "line1", "town", "postcode", "area", "from_date", "to_date", "notified"]
        widgets = {"from_date": DATE, "to_date": DATE}
        labels = {"line1": "Address line", "from_date": "From", "to_date": "Until", "notified": "Notified"}


class DetailEditForm(_VersionedItemForm):
    class Meta:
        model = NotifiableDetail
        fields = ["kind", "value", "notes", "from_date", "to_date"]
        widgets = {"from_date": DATE, "to_date": DATE}
        labels = {"value": "Detail", "from_date": "From", "to_date": "Until"}


class EndForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = forms.DateField(widget=DATE, required=False)

    def __init__(self, *args: Any, label: str = "Ended on", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].label = label
