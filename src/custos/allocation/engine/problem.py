"""The batch problem in solver-ready form: candidate lists, classes of interchangeable crimes, components.

Objective (lexicographic, the same for single-crime and batch mode):
  1. least unallocated weight (a crime goes to the supervisor queue only if it cannot lawfully be placed);
  2. lowest maximum utilisation (weighted load / own cap) over all available investigators, counted from
     ``max_utilisation_floor`` up (below it the officer holding a linked series or the owning team may take
     more: spreading thinly is then left to the convex cost);
  3. least cost = sum over officers of the convex balance cost added + preference costs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from custos.core.policy import Policy

from .eligibility import Rules, Unit, build_units
from .model import CrimeToAllocate, Investigator, Supervisor
from .workload import EPS, BalanceCurve, caseload_cap, key, utilisation, weighted_cap

TOL = 1e-6


@dataclass(frozen=True, order=True)
class Objective:
    unallocated_weight: float
    max_utilisation: float
    cost: float

    def better_than(self, other: Objective, tol: float = TOL) -> bool:
        for mine, theirs in (
            (self.unallocated_weight, other.unallocated_weight),
            (self.max_utilisation, other.max_utilisation),
            (self.cost, other.cost),
        ):
            if mine < theirs - tol * max(1.0, abs(theirs)):
                return True
            if mine > theirs + tol * max(1.0, abs(theirs)):
                return False
        return False


@dataclass
class CrimeClass:
    """Units that are interchangeable: same weight, size, candidates and preference costs."""

    units: list[Unit]
    weight: float
    count: int
    candidates: list[int]
    pref: list[float]


@dataclass
class Problem:
    units: list[Unit]
    officers: list[Investigator]
    rules: Rules
    curve: BalanceCurve
    policy: Policy
    cap_w: list[float] = field(default_factory=list)
    cap_n: list[int] = field(default_factory=list)
    classes: list[CrimeClass] = field(default_factory=list)
    class_of_unit: dict[str, int] = field(default_factory=dict)
    no_candidate: list[Unit] = field(default_factory=list)
    base_max_utilisation: float = 0.0
    raw_base_max_utilisation: float = 0.0

    @classmethod
    def build(
        cls,
        crimes: Sequence[CrimeToAllocate],
        investigators: Sequence[Investigator],
        supervisors: Sequence[Supervisor],
        *,
        policy: Policy,
    ) -> Problem:
        _reject_duplicates([c.id for c in crimes], "crime")
        _reject_duplicates([o.id for o in investigators], "investigator")
        officers = sorted(investigators, key=lambda o: o.id)
        rules = Rules(officers, sorted(supervisors, key=lambda s: s.id), policy=policy)
        units = build_units(sorted(crimes, key=lambda c: c.id), officers, rules)
        units.sort(key=lambda u: u.id)
        p = cls(
            units=units, officers=officers, rules=rules, curve=BalanceCurve.from_policy(policy), policy=policy
        )
        p.cap_w = [weighted_cap(o, policy=policy) for o in officers]
        p.cap_n = [caseload_cap(o, policy=policy) for o in officers]
        p.raw_base_max_utilisation = max(
            (utilisation(o.weighted_load, p.cap_w[i]) for i, o in enumerate(officers) if p.cap_w[i] > 0),
            default=0.0,
        )
        p.base_max_utilisation = max(
            float(policy.get(key("max_utilisation_floor"))), p.raw_base_max_utilisation
        )
        p._classify()
        return p

    def fits(self, i: int, weight: float, count: int, extra_load: float = 0.0, extra_count: int = 0) -> bool:
        o = self.officers[i]
        return (
            o.open_crimes + extra_count + count <= self.cap_n[i]
            and o.weighted_load + extra_load + weight <= self.cap_w[i] + EPS
        )

    def _classify(self) -> None:
        by_borough: dict[str, list[int]] = {}
        for i, o in enumerate(self.officers):
            by_borough.setdefault(o.borough, []).append(i)
        everyone = list(range(len(self.officers)))
        signatures: dict[tuple[object, ...], int] = {}
        for u in self.units:
            holders = self.rules.holders(u)
            sig = (
                u.boroughs,
                u.teams,
                u.required_pip,
                u.specialisms,
                u.tier,
                u.conflicts,
                holders,
                round(u.weight, 9),
                u.count,
            )
            k = signatures.get(sig)
            if k is None:
                wide = self.rules.scope == "force" or u.tier in self.rules.force_wide_tiers
                pool = everyone if wide else sorted(i for b in u.boroughs for i in by_borough.get(b, []))
                cands = [
                    i
                    for i in pool
                    if self.rules.static_ok(u, self.officers[i]) and self.fits(i, u.weight, u.count)
                ]
                k = len(self.classes)
                signatures[sig] = k
                self.classes.append(
                    CrimeClass(
                        units=[],
                        weight=u.weight,
                        count=u.count,
                        candidates=cands,
                        pref=[self.rules.preference_cost(u, self.officers[i]) for i in cands],
                    )
                )
            self.classes[k].units.append(u)
            self.class_of_unit[u.id] = k
        self.no_candidate = [u for c in self.classes if not c.candidates for u in c.units]

    def components(self) -> list[list[int]]:
        """Classes joined through shared candidate officers; the objective separates over these."""
        parent = list(range(len(self.classes)))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        owner: dict[int, int] = {}
        for k, c in enumerate(self.classes):
            for i in c.candidates:
                if i in owner:
                    a, b = find(owner[i]), find(k)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
                else:
                    owner[i] = k
        comps: dict[int, list[int]] = {}
        for k, c in enumerate(self.classes):
            if c.candidates:
                comps.setdefault(find(k), []).append(k)
        return [comps[r] for r in sorted(comps)]

    # -- evaluating a finished assignment --------------------------------------------------------------
    def evaluate(self, assignment: Mapping[str, int | None]) -> Objective:
        """The objective of an assignment unit id -> officer index (None = unallocated)."""
        extra_w = [0.0] * len(self.officers)
        pref = 0.0
        unalloc = 0.0
        for u in self.units:
            i = assignment.get(u.id)
            if i is None:
                unalloc += u.weight
                continue
            extra_w[i] += u.weight
            pref += self.rules.preference_cost(u, self.officers[i])
        balance = 0.0
        max_util = self.base_max_utilisation
        for i, o in enumerate(self.officers):
            if extra_w[i] > 0:
                balance += self.curve.marginal(o.weighted_load, extra_w[i], self.cap_w[i])
                max_util = max(max_util, utilisation(o.weighted_load + extra_w[i], self.cap_w[i]))
        return Objective(unalloc, max_util, balance + pref)

    def highest_utilisation(self, assignment: Mapping[str, int | None]) -> float:
        """The true highest utilisation after the assignment (no floor), for reporting."""
        extra_w = [0.0] * len(self.officers)
        for u in self.units:
            i = assignment.get(u.id)
            if i is not None:
                extra_w[i] += u.weight
        return max(
            (
                utilisation(o.weighted_load + extra_w[i], self.cap_w[i])
                for i, o in enumerate(self.officers)
                if self.cap_w[i] > 0
            ),
            default=0.0,
        )


def _reject_duplicates(ids: Sequence[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate {what} id {i!r}")
        seen.add(i)


def finite(x: float) -> float:
    return x if math.isfinite(x) else 0.0
