"""Devices: record a seized device into its lab's queue, and its chain of custody (append-only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from custos.core import audit
from custos.core.access import scope_of
from custos.triage import access, links
from custos.triage.models import CustodyEvent, Device
from custos.workforce.models import Borough, Person, Team, TeamType

NOT_ALLOWED = "You cannot do this on this device."
NOT_A_LAB = "The lab must be a digital forensics lab team."
OTHER_BOROUGH = "You can only submit devices for your own borough's crimes."
NO_BOROUGH = "Give the borough of the investigation."
HANDOVER_INCOMPLETE = "Give the new holder, the location, the purpose and the seal number."
UNKNOWN_BOROUGH = "There is no borough with the id {borough_id}."
NO_NOMINAL = "No registered offender has the id {offender_id}: check the RSO nominal's id."
SEIZED_IN_FUTURE = "The time of seizure cannot be in the future."
REFERRAL_IN_FUTURE = "The referral cannot have been received in the future."


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


DEVICE_FIELDS = [
    "exhibit_reference",
    "device_type",
    "make_model",
    "capacity_bytes",
    "seal_number",
    "seized_from",
    "seized_at",
    "premises",
    "seized_by_id",
    "crime_reference",
    "suspect_name",
    "offender_id",
    "borough_id",
    "lab_id",
    "suspect_access_to_children",
    "suspect_is_rso",
    "contact_offending_indicators",
    "kirat_level",
    "referral_grade",
    "referral_received_on",
    "submitted_on",
]


def _check_facts(fields: dict[str, Any]) -> None:
    """Facts the ranking and the offender link rely on. A nominal that is not on the register would make
    every later upload with a hit fail (offender management cannot be told), and a future referral date
    would push the SLA out of reach."""
    errors: dict[str, list[str]] = {}
    offender_id = fields.get("offender_id")
    if offender_id is not None and links.offenders_present() and links.offender_for(offender_id) is None:
        errors["offender_id"] = [NO_NOMINAL.format(offender_id=offender_id)]
    seized_at = fields.get("seized_at")
    if isinstance(seized_at, datetime) and timezone.is_naive(seized_at):
        seized_at = timezone.make_aware(seized_at)
    if isinstance(seized_at, datetime) and seized_at > timezone.now():
        errors["seized_at"] = [SEIZED_IN_FUTURE]
    received = fields.get("referral_received_on")
    if isinstance(received, date) and received > timezone.localdate():
        errors["referral_received_on"] = [REFERRAL_IN_FUTURE]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def device_create(*, actor: Any, data: dict[str, Any]) -> Device:
    """Record a seized device, enter it in its lab's queue and open its chain of custody."""
    s = scope_of(actor)
    if actor is not None and not access.can_create_device(s):
        raise PermissionError(NOT_ALLOWED)
    fields = {k: v for k, v in data.items() if k in DEVICE_FIELDS}
    crime = links.crime_for(fields.get("crime_reference") or "")
    if crime is not None and getattr(crime, "borough_id", None):
        fields["borough_id"] = crime.borough_id  # the investigation's borough, not the form's
    if not fields.get("borough_id"):
        fields["borough_id"] = s.borough_id
    if not fields.get("borough_id"):
        raise ValidationError({"borough_id": [NO_BOROUGH]})
    if not Borough.objects.filter(pk=fields["borough_id"]).exists():
        raise ValidationError({"borough_id": [UNKNOWN_BOROUGH.format(borough_id=fields["borough_id"])]})
    lab = Team.objects.filter(pk=fields.get("lab_id") or 0).first()
    if lab is None or lab.team_type != TeamType.DIGITAL_FORENSICS_LAB:
        raise ValidationError({"lab_id": [NOT_A_LAB]})
    if (
        actor is not None
        and not s.is_admin
        and not s.has(*access.LAB_ROLES)
        and fields["borough_id"] != s.borough_id
    ):
        raise ValidationError({"borough_id": [OTHER_BOROUGH]})
    _check_facts(fields)
    if fields.get("offender_id") is not None:
        fields["suspect_is_rso"] = True  # linked to an RSO nominal
    fields.setdefault("submitted_on", timezone.localdate())
    fields.setdefault("seized_at", timezone.now())
    device = Device(**fields, created_by=_user(actor))
    device.full_clean(exclude=["borough", "lab", "seized_by", "examiner", "latest_result", "created_by"])
    device.save()
    seizer = Person.objects.filter(pk=device.seized_by_id).first() if device.seized_by_id else None
    CustodyEvent.objects.create(
        device=device,
        sequence=1,
        handed_over_at=device.seized_at,
        from_holder=f"Seized from {device.get_seized_from_display().lower()}"
        + (f" at {device.premises}" if device.premises else ""),
        to_holder=str(seizer) if seizer else str(actor or "system"),
        to_person=seizer,
        location=device.premises or "Point of seizure",
        purpose="Seizure",
        seal_number=device.seal_number,
        seal_intact=True,
        recorded_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="custos.device.created",
        obj=device,
        changes=audit.snapshot(device, DEVICE_FIELDS),
        sensitive=True,
    )
    return device


@transaction.atomic
def custody_record(
    *,
    actor: Any,
    device: Device,
    to_holder: str,
    location: str,
    purpose: str,
    seal_number: str,
    seal_intact: bool = True,
    to_person: Person | None = None,
    handed_over_at: datetime | None = None,
) -> CustodyEvent:
    """Append one handover. The chain is append-only (database triggers refuse UPDATE and DELETE)."""
    if actor is not None and not access.can_handle_device(scope_of(actor), device):
        raise PermissionError(NOT_ALLOWED)
    Device.objects.select_for_update().filter(pk=device.pk).first()  # serialise sequence numbers
    last = device.custody.order_by("-sequence").first()
    sequence = (device.custody.aggregate(m=Max("sequence"))["m"] or 0) + 1
    if not to_holder.strip() or not location.strip() or not purpose.strip() or not seal_number.strip():
        raise ValidationError(HANDOVER_INCOMPLETE)
    event = CustodyEvent.objects.create(
        device=device,
        sequence=sequence,
        handed_over_at=handed_over_at or timezone.now(),
        from_holder=last.to_holder if last else "Unknown",
        to_holder=to_holder.strip()[:160] if not to_person else str(to_person)[:160],
        to_person=to_person,
        location=location.strip()[:160],
        purpose=purpose.strip()[:200],
        seal_number=seal_number.strip()[:40],
        seal_intact=seal_intact,
        recorded_by=_user(actor),
    )
    if event.seal_number != device.seal_number:
        Device.objects.filter(pk=device.pk).update(seal_number=event.seal_number, version=F("version") + 1)
        device.seal_number = event.seal_number
    audit.record(
        actor=actor,
        action="custos.device.handed_over",
        obj=device,
        changes={
            "sequence": sequence,
            "to": event.to_holder,
            "seal": event.seal_number,
            "seal_intact": seal_intact,
        },
        sensitive=True,
    )
    return event


def today() -> date:
    return timezone.localdate()
