"""Links from a nominal to crimes, investigations (per crime) and triage devices.

A reference is resolved to the record it names where one exists; otherwise the link is kept as free text.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from custos.core import audit
from custos.crimes.models import Crime
from custos.offenders.models import Offender, OffenderLink
from custos.triage.models import Device

LINK_KINDS = frozenset(k for k, _ in OffenderLink.KINDS)
LINK_REFERENCE_REQUIRED = "Enter the crime reference, or the device's exhibit reference or seal number."
LINK_KIND_UNKNOWN = "Choose crime, investigation or device."


def resolve_link(kind: str, reference: str) -> tuple[Crime | None, Device | None]:
    """The crime (crimes and investigations) or device a reference names, if exactly one does."""
    ref = reference.strip()
    if not ref:
        return None, None
    if kind in ("crime", "investigation"):
        return Crime.objects.filter(reference__iexact=ref).first(), None
    if kind == "device":
        device = Device.objects.filter(exhibit_reference__iexact=ref).first()
        if device is None:
            sealed = list(Device.objects.filter(seal_number__iexact=ref)[:2])
            device = sealed[0] if len(sealed) == 1 else None
        return None, device
    return None, None


def _link(
    offender: Offender, kind: str, reference: str, crime: Crime | None, device: Device | None, note: str
) -> tuple[OffenderLink, bool]:
    existing = None
    if crime is not None:
        existing = OffenderLink.objects.filter(offender=offender, kind=kind, crime=crime).first()
    elif device is not None:
        existing = OffenderLink.objects.filter(offender=offender, kind=kind, device=device).first()
    if existing is None:
        existing = OffenderLink.objects.filter(
            offender=offender, kind=kind, reference__iexact=reference
        ).first()
    if existing is not None:
        if (crime and existing.crime_id is None) or (device and existing.device_id is None):
            existing.crime, existing.device = crime or existing.crime, device or existing.device
            existing.save(update_fields=["crime", "device"])
        return existing, False
    # Kept exactly as entered: showing the target's own spelling would tell someone who may not see the
    # target that it exists.
    link = OffenderLink.objects.create(
        offender=offender, kind=kind, reference=reference, crime=crime, device=device, note=note
    )
    return link, True


@transaction.atomic
def link_add(*, actor: Any, offender: Offender, kind: str, reference: str, note: str = "") -> OffenderLink:
    """Link a crime, investigation or device. Whether it resolved is not reported back to the caller's
    screen (the link page shows it only to those who may see the target)."""
    from custos.offenders.services.register import _require_change

    _require_change(actor, offender)
    if kind not in LINK_KINDS:
        raise ValidationError({"link_kind": [LINK_KIND_UNKNOWN]})
    reference = reference.strip()
    if not reference:
        raise ValidationError({"value": [LINK_REFERENCE_REQUIRED]})
    crime, device = resolve_link(kind, reference)
    link, _ = _link(offender, kind, reference, crime, device, note)
    audit.record(
        actor=actor,
        action="custos.offender.linked",
        obj=offender,
        changes={kind: reference, "crime": link.crime_id, "device": link.device_id},
    )
    return link


def device_link(*, offender: Offender, device: Any, fallback: str) -> OffenderLink:
    """The link for a triage hit: to the device record when it is one, else the plain reference."""
    if isinstance(device, Device) and device.pk is not None:
        return _link(offender, "device", fallback, None, device, "triage hit")[0]
    return _link(offender, "device", fallback, None, None, "triage hit")[0]
