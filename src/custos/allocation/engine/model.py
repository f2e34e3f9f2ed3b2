"""Plain values in and out of the allocation engine (no Django: the services layer builds these from rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENGINE_VERSION = "allocation-engine 1"


@dataclass(frozen=True)
class CrimeToAllocate:
    """One unallocated crime, with the tiering result (tier, required PIP, specialism) already decided."""

    id: str
    borough: str
    team: str
    tier: str
    required_pip: int
    specialism: str | None = None
    enhanced_victim: bool = False
    open_lines_of_enquiry: int = 0
    linked_series: str | None = None
    suspect_ids: frozenset[str] = frozenset()
    conflicts: frozenset[str] = frozenset()
    age_days: int = 0


@dataclass(frozen=True)
class Investigator:
    """An investigator as the engine sees them today.

    ``availability`` is the fraction of a full-time week they can work after leave, abstractions and
    part-time hours; it scales both caps. ``available`` False (on leave, abstracted) excludes them.
    """

    id: str
    borough: str
    team: str
    pip: int
    supervisor_id: str | None = None
    specialisms: frozenset[str] = frozenset()
    probationer: bool = False
    available: bool = True
    availability: float = 1.0
    open_crimes: int = 0
    weighted_load: float = 0.0
    linked_series: frozenset[str] = frozenset()
    suspect_ids: frozenset[str] = frozenset()
    # ``team`` is a matching key (it may be a database id); explanations name the team by this instead.
    team_name: str = ""


@dataclass(frozen=True)
class Supervisor:
    id: str
    span_of_control: int


@dataclass(frozen=True)
class ConstraintFailure:
    """A hard constraint an (crime, investigator) pair breaks, in words a supervisor can act on."""

    code: str
    detail: str
    basis: str


@dataclass(frozen=True)
class Alternative:
    """A next-best candidate and what ruled them out (a hard constraint, or a higher cost)."""

    officer: str
    cost: float | None
    ruled_out_by: str
    detail: str

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "officer": self.officer,
            "cost": None if self.cost is None else round(self.cost, 6),
            "ruled_out_by": self.ruled_out_by,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Allocation:
    crime: str
    officer: str
    required_pip: int
    officer_pip: int
    specialism: str | None
    officer_specialisms: tuple[str, ...]
    load_before: float
    load_after: float
    cap: float
    reasons: tuple[str, ...]
    score: dict[str, float] = field(default_factory=dict)
    alternatives: tuple[Alternative, ...] = ()
    binding: tuple[str, ...] = ()

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "crime": self.crime,
            "officer": self.officer,
            "required_pip": self.required_pip,
            "officer_pip": self.officer_pip,
            "specialism": self.specialism,
            "officer_specialisms": list(self.officer_specialisms),
            "load_before": round(self.load_before, 6),
            "load_after": round(self.load_after, 6),
            "cap": round(self.cap, 6),
            "reasons": list(self.reasons),
            "score": {k: round(v, 6) for k, v in sorted(self.score.items())},
            "next_best": [a.to_json_dict() for a in self.alternatives],
            "binding": list(self.binding),
        }


@dataclass(frozen=True)
class Unallocated:
    """A crime for the supervisor queue, with the reason no eligible investigator was found."""

    crime: str
    reason: str
    failures: dict[str, int] = field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        return {"crime": self.crime, "reason": self.reason, "failures": dict(sorted(self.failures.items()))}


@dataclass(frozen=True)
class SolveStats:
    """How the answer was found; not part of the decision record (timings differ between runs)."""

    method: str
    status: str
    objective: float
    dual_bound: float
    mip_gap: float
    unallocated_weight: float
    max_utilisation: float
    components: int
    stages_solved: int
    seconds: float
    # "gap" (proven optimal), "node limit" (the deterministic work limit) or "time limit" (the safety net).
    stopped_by: str = ""
    deterministic: bool = True  # False only when the wall clock cut a solve short
    basis: tuple[str, ...] = ()  # the policy keys that governed when the solver stopped


@dataclass(frozen=True)
class AllocationRun:
    policy_version: str
    engine_version: str
    allocations: tuple[Allocation, ...]
    unallocated: tuple[Unallocated, ...]
    stats: SolveStats | None = field(default=None, compare=False)

    def officer_of(self) -> dict[str, str]:
        return {a.crime: a.officer for a in self.allocations}

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "policy_version": self.policy_version,
            "engine_version": self.engine_version,
            "allocations": [a.to_json_dict() for a in self.allocations],
            "unallocated": [u.to_json_dict() for u in self.unallocated],
        }
