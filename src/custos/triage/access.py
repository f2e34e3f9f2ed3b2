"""Need-to-know for devices, triage results and hash sets (two forms per rule, see custos.core.access).

Devices and triage results are SENSITIVE: every read of one is audited by the selectors.

- Administrators and professional standards see every device.
- The lab: digital forensic examiners and OCSAE investigators see the devices submitted to a lab in their
  borough (the force-level units sit in one borough and take devices from every borough's crimes), and an
  examiner always sees the devices assigned to them.
- Investigators, investigation supervisors and detective inspectors see the devices of their own
  borough's crimes.
- Offender managers and MOSOVO supervisors see devices in their borough that are linked to an RSO nominal.
- Everyone else (victim care, inspectors, performance analysts): none. Outsiders get 404.

Hash sets and grading are the lab's business: examiners, OCSAE investigators and administrators.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q

from custos.accounts.roles import Role
from custos.core.access import ActorScope, scope_of

ALL = Q()
NONE = Q(pk__in=[])
LAB_ROLES = (Role.DIGITAL_FORENSIC_EXAMINER, Role.OCSAE_INVESTIGATOR)
BOROUGH_ROLES = (Role.INVESTIGATOR, Role.INVESTIGATION_SUPERVISOR, Role.DETECTIVE_INSPECTOR)
OFFENDER_ROLES = (Role.OFFENDER_MANAGER, Role.MOSOVO_SUPERVISOR)
# Who may record seizures, handovers and triage uploads (on devices they can see).
HANDLER_ROLES = (*LAB_ROLES, *BOROUGH_ROLES, Role.ADMINISTRATOR)


def device_view_q(s: ActorScope) -> Q:
    if s.has(Role.ADMINISTRATOR, Role.PROFESSIONAL_STANDARDS):
        return ALL
    q = NONE
    if s.borough_id is not None:
        if s.has(*LAB_ROLES):
            q |= Q(lab__borough_id=s.borough_id)
        if s.has(*BOROUGH_ROLES):
            q |= Q(borough_id=s.borough_id)
        if s.has(*OFFENDER_ROLES):
            q |= Q(borough_id=s.borough_id, offender_id__isnull=False)
    if s.person_id is not None and s.has(Role.DIGITAL_FORENSIC_EXAMINER):
        q |= Q(examiner_id=s.person_id)
    return q


def can_view_device(s: ActorScope, device: Any) -> bool:
    if s.has(Role.ADMINISTRATOR, Role.PROFESSIONAL_STANDARDS):
        return True
    if s.borough_id is not None:
        if s.has(*LAB_ROLES) and device.lab.borough_id == s.borough_id:
            return True
        if s.has(*BOROUGH_ROLES) and device.borough_id == s.borough_id:
            return True
        if s.has(*OFFENDER_ROLES) and device.borough_id == s.borough_id and device.offender_id is not None:
            return True
    return bool(
        s.person_id is not None
        and s.has(Role.DIGITAL_FORENSIC_EXAMINER)
        and device.examiner_id == s.person_id
    )


def can_handle_device(s: ActorScope, device: Any) -> bool:
    """Record a handover or upload a triage result: an operational role that can see the device."""
    return s.has(*HANDLER_ROLES) and can_view_device(s, device)


def can_examine_device(s: ActorScope, device: Any) -> bool:
    """Assign, return or complete an examination: examiners of the lab (and administrators)."""
    if s.is_admin:
        return True
    return s.has(Role.DIGITAL_FORENSIC_EXAMINER) and can_view_device(s, device)


def can_create_device(s: ActorScope) -> bool:
    return s.has(*HANDLER_ROLES)


def is_lab(s: ActorScope) -> bool:
    """Hash sets, grading and the ranked lab queue."""
    return s.has(*LAB_ROLES, Role.ADMINISTRATOR)


def can_manage_hashsets(s: ActorScope) -> bool:
    return s.has(Role.DIGITAL_FORENSIC_EXAMINER, Role.ADMINISTRATOR)


def can_grade(s: ActorScope) -> bool:
    return s.has(Role.DIGITAL_FORENSIC_EXAMINER)


def sees_devices(s: ActorScope) -> bool:
    """Whether the device list means anything to this person (else the page is 404)."""
    return s.has(*LAB_ROLES, *BOROUGH_ROLES, *OFFENDER_ROLES, Role.ADMINISTRATOR, Role.PROFESSIONAL_STANDARDS)


@rules.predicate
def _view_device(user: Any, device: Any) -> bool:
    return device is not None and can_view_device(scope_of(user), device)


@rules.predicate
def _handle_device(user: Any, device: Any) -> bool:
    return device is not None and can_handle_device(scope_of(user), device)


@rules.predicate
def _examine_device(user: Any, device: Any) -> bool:
    return device is not None and can_examine_device(scope_of(user), device)


@rules.predicate
def _lab(user: Any) -> bool:
    return is_lab(scope_of(user))


@rules.predicate
def _manage_hashsets(user: Any) -> bool:
    return can_manage_hashsets(scope_of(user))


@rules.predicate
def _grade(user: Any) -> bool:
    return can_grade(scope_of(user))


rules.add_perm("triage.view_device", _view_device)
rules.add_perm("triage.handle_device", _handle_device)
rules.add_perm("triage.examine_device", _examine_device)
rules.add_perm("triage.view_hashsets", _lab)
rules.add_perm("triage.manage_hashsets", _manage_hashsets)
rules.add_perm("triage.grade", _grade)
