"""Examiners' decisions on a queued device: assign it, return it without full examination (only when
policy allows), or record the examination's findings."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from custos.core import audit
from custos.core.access import scope_of
from custos.core.policy import Policy, current_policy
from custos.triage import access
from custos.triage.models import DecisionKind, Device, DeviceDecision, DeviceStatus, Verdict
from custos.triage.ranking import RiskFacts, full_examination_required
from custos.triage.services.devices import NOT_ALLOWED, _user
from custos.workforce.models import Person

DEVICE_CLOSED = "This device has left the lab queue ({status})."
RETURN_REFUSED = "This device needs a full examination: {reasons}."
NOT_AN_ACCREDITED_EXAMINER = (
    "{name} cannot be given this device: only examiners of its lab with an in-date digital forensics "
    "accreditation examine devices."
)


def facts_of(device: Device) -> RiskFacts:
    return RiskFacts(
        verdict=device.verdict,
        most_severe_category=device.most_severe_category or None,
        suspect_access_to_children=device.suspect_access_to_children,
        suspect_is_rso=device.suspect_is_rso,
        contact_offending_indicators=device.contact_offending_indicators,
        kirat_level=device.kirat_level,
        referral_grade=device.referral_grade,
        referral_received_on=device.referral_received_on,
        submitted_on=device.submitted_on,
    )


def _likely(device: Device) -> bool:
    return device.verdict == Verdict.LIKELY_IIOC


def _open(device: Device) -> None:
    if device.status not in (DeviceStatus.QUEUED, DeviceStatus.IN_EXAMINATION):
        raise ValidationError(DEVICE_CLOSED.format(status=device.get_status_display().lower()))


@transaction.atomic
def device_assign(*, actor: Any, device: Device, examiner: Person, today: date | None = None) -> Device:
    """Give a queued device to an examiner of its lab who holds an in-date digital forensics accreditation
    (the people its capacity is counted from): full examination is specialist work."""
    if not access.can_examine_device(scope_of(actor), device):
        raise PermissionError(NOT_ALLOWED)
    _open(device)
    from custos.triage import selectors  # selectors reads facts_of from this package: import on use

    today = today or timezone.localdate()
    if not selectors.examiners_for(device, today).filter(pk=examiner.pk).exists():
        raise ValidationError(NOT_AN_ACCREDITED_EXAMINER.format(name=examiner.full_name))
    policy = current_policy()
    Device.objects.filter(pk=device.pk).update(
        examiner=examiner, status=DeviceStatus.IN_EXAMINATION, version=F("version") + 1
    )
    device.refresh_from_db()
    DeviceDecision.objects.create(
        device=device,
        kind=DecisionKind.ASSIGNED,
        reason=f"Assigned to {examiner}",
        policy_version=policy.version,
        decided_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="custos.device.assigned",
        obj=device,
        changes={"examiner": examiner.pk},
        sensitive=True,
    )
    return device


@transaction.atomic
def device_return(*, actor: Any, device: Device, reason: str, policy: Policy | None = None) -> DeviceDecision:
    """Return a device without full examination: only when triage found nothing and policy allows."""
    if not access.can_examine_device(scope_of(actor), device):
        raise PermissionError(NOT_ALLOWED)
    _open(device)
    policy = policy or current_policy()
    if not reason.strip():
        raise ValidationError({"reason": ["Record why the device is being returned."]})
    need = full_examination_required(facts=facts_of(device), likely_iioc=_likely(device), policy=policy)
    if need.required:
        raise ValidationError(RETURN_REFUSED.format(reasons="; ".join(need.reasons)), code="full-examination")
    Device.objects.filter(pk=device.pk).update(status=DeviceStatus.RETURNED, version=F("version") + 1)
    device.refresh_from_db()
    decision = DeviceDecision.objects.create(
        device=device,
        kind=DecisionKind.RETURNED,
        reason=reason.strip(),
        basis=need.basis,
        findings={"verdict": device.verdict},
        policy_version=policy.version,
        decided_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="custos.device.returned",
        obj=device,
        changes={"reason": reason.strip(), "policy_version": policy.version},
        sensitive=True,
    )
    return decision


@transaction.atomic
def device_examination_complete(
    *, actor: Any, device: Device, findings: dict[str, Any], reason: str = ""
) -> DeviceDecision:
    """Record the examiner's results (counts by category confirmed, notes) and close the examination."""
    if not access.can_examine_device(scope_of(actor), device):
        raise PermissionError(NOT_ALLOWED)
    _open(device)
    clean: dict[str, Any] = {}
    for cat in ("A", "B", "C"):
        value = findings.get(f"category_{cat.lower()}", 0) or 0
        if int(value) < 0:
            raise ValidationError({f"category_{cat.lower()}": ["Counts cannot be negative."]})
        clean[f"category_{cat.lower()}"] = int(value)
    policy = current_policy()
    Device.objects.filter(pk=device.pk).update(status=DeviceStatus.EXAMINED, version=F("version") + 1)
    device.refresh_from_db()
    decision = DeviceDecision.objects.create(
        device=device,
        kind=DecisionKind.EXAMINED,
        reason=reason.strip(),
        findings=clean,
        policy_version=policy.version,
        decided_by=_user(actor),
    )
    audit.record(actor=actor, action="custos.device.examined", obj=device, changes=clean, sensitive=True)
    return decision
