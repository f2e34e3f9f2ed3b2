"""Checking a proposed allocation, and validating a supervisor's override of the hard constraints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from custos.core.policy import Policy

from .eligibility import Rules, make_unit
from .model import ConstraintFailure, CrimeToAllocate, Investigator, Supervisor

OVERRIDE_NEEDS_SUPERVISOR = "an override needs the supervisor's id"
OVERRIDE_UNKNOWN_SUPERVISOR = "the overriding officer is not a recorded supervisor"
OVERRIDE_NEEDS_RATIONALE = "an override needs a written rationale"
OVERRIDE_SELF = "an investigator cannot override an allocation to themselves"
OVERRIDE_BASIS = "reference investigation §1: overrides need a supervisor ID and rationale [D]"


@dataclass(frozen=True)
class AllocationCheck:
    """Whether ``officer`` may take ``crime`` now, and every hard constraint it would break."""

    crime: str
    officer: str
    allowed: bool
    failures: tuple[ConstraintFailure, ...]
    policy_version: str

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(f.detail for f in self.failures)


@dataclass(frozen=True)
class OverrideDecision:
    """A validated override: ``valid`` says it may be recorded; ``breaks`` what it overrides (for audit)."""

    crime: str
    officer: str
    supervisor_id: str
    rationale: str
    valid: bool
    errors: tuple[str, ...]
    breaks: tuple[ConstraintFailure, ...]
    basis: str
    policy_version: str


def check_allocation(
    crime: CrimeToAllocate, officer: Investigator, supervisors: Sequence[Supervisor] = (), *, policy: Policy
) -> AllocationCheck:
    """A manual or proposed allocation tested against the same hard constraints the engine uses."""
    rules = Rules([officer], supervisors, policy=policy)
    failures = tuple(rules.failures(make_unit([crime], policy=policy), officer))
    return AllocationCheck(
        crime=crime.id,
        officer=officer.id,
        allowed=not failures,
        failures=failures,
        policy_version=policy.version,
    )


def validate_override(
    crime: CrimeToAllocate,
    officer: Investigator,
    *,
    supervisor_id: str,
    rationale: str,
    supervisors: Sequence[Supervisor],
    policy: Policy,
) -> OverrideDecision:
    """A supervisor may place a crime against the constraints, but only named and with a reason."""
    errors: list[str] = []
    sid = (supervisor_id or "").strip()
    if not sid:
        errors.append(OVERRIDE_NEEDS_SUPERVISOR)
    elif sid not in {s.id for s in supervisors}:
        errors.append(OVERRIDE_UNKNOWN_SUPERVISOR)
    elif sid == officer.id:
        errors.append(OVERRIDE_SELF)
    if not (rationale or "").strip():
        errors.append(OVERRIDE_NEEDS_RATIONALE)
    check = check_allocation(crime, officer, supervisors, policy=policy)
    return OverrideDecision(
        crime=crime.id,
        officer=officer.id,
        supervisor_id=sid,
        rationale=(rationale or "").strip(),
        valid=not errors,
        errors=tuple(errors),
        breaks=check.failures,
        basis=OVERRIDE_BASIS,
        policy_version=policy.version,
    )
