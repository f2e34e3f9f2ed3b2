"""Hard constraints, linked units and preference costs: what may go to whom, and at what price.

The hard constraints are checked here and only here; the solver only ever sees pairs that pass them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from custos.core.policy import Policy

from .model import ConstraintFailure, CrimeToAllocate, Investigator, Supervisor
from .workload import EPS, key, tier_rank, weight_of

# Constraint codes, in the order they are tested (the first failing one is the one reported).
OUT_OF_SCOPE = "scope"
UNAVAILABLE = "unavailable"
CONFLICT = "conflict_of_interest"
PIP = "pip"
SPECIALISM = "specialism"
PROBATIONER_TIER = "probationer_tier"
CASELOAD_CAP = "caseload_cap"
WEIGHTED_CAP = "weighted_load_cap"
CONSTRAINT_ORDER = (
    OUT_OF_SCOPE,
    UNAVAILABLE,
    CONFLICT,
    PIP,
    SPECIALISM,
    PROBATIONER_TIER,
    CASELOAD_CAP,
    WEIGHTED_CAP,
)
CAPACITY_CODES = frozenset({CASELOAD_CAP, WEIGHTED_CAP})

BASIS_HARD_RULES = "reference investigation §1 hard rules [D]"


@dataclass(frozen=True)
class Unit:
    """Crimes that must go to one investigator together: a linked series or the same suspect in the batch."""

    id: str
    crimes: tuple[CrimeToAllocate, ...]
    weight: float
    count: int
    boroughs: frozenset[str]
    teams: frozenset[tuple[str, str]]
    required_pip: int
    specialisms: frozenset[str]
    tier: int
    conflicts: frozenset[str]
    series: frozenset[str]
    suspects: frozenset[str]
    split_from_group: str | None = None


def make_unit(crimes: Sequence[CrimeToAllocate], *, policy: Policy, split_from: Unit | None = None) -> Unit:
    """One unit; a member split from a linked group keeps the group's boroughs (the series spans them)."""
    ordered = tuple(sorted(crimes, key=lambda c: c.id))
    return Unit(
        id=ordered[0].id,
        crimes=ordered,
        weight=sum(weight_of(c, policy=policy) for c in ordered),
        count=len(ordered),
        boroughs=split_from.boroughs if split_from else frozenset(c.borough for c in ordered),
        teams=frozenset((c.borough, c.team) for c in ordered),
        required_pip=max(c.required_pip for c in ordered),
        specialisms=frozenset(c.specialism for c in ordered if c.specialism),
        tier=max(tier_rank(c.tier) for c in ordered),
        conflicts=frozenset().union(*(c.conflicts for c in ordered)),
        series=frozenset(c.linked_series for c in ordered if c.linked_series),
        suspects=frozenset().union(*(c.suspect_ids for c in ordered)),
        split_from_group=split_from.id if split_from else None,
    )


def linked_groups(crimes: Sequence[CrimeToAllocate]) -> list[list[CrimeToAllocate]]:
    """Crimes joined by a shared linked series or suspect (transitively), each group sorted by id."""
    parent = {c.id: c.id for c in crimes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_with: dict[str, str] = {}
    for c in sorted(crimes, key=lambda c: c.id):
        tags = ([f"series:{c.linked_series}"] if c.linked_series else []) + [
            f"suspect:{s}" for s in sorted(c.suspect_ids)
        ]
        for tag in tags:
            if tag in first_with:
                a, b = find(first_with[tag]), find(c.id)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                first_with[tag] = c.id
    groups: dict[str, list[CrimeToAllocate]] = {}
    for c in sorted(crimes, key=lambda c: c.id):
        groups.setdefault(find(c.id), []).append(c)
    return [groups[k] for k in sorted(groups)]


class Rules:
    """Policy values and lookups the constraint checks need, read once per run."""

    def __init__(
        self, investigators: Iterable[Investigator], supervisors: Iterable[Supervisor], *, policy: Policy
    ) -> None:
        self.policy = policy
        self.scope = str(policy.get(key("scope")))
        if self.scope not in ("borough", "force"):
            raise ValueError(f"policy {key('scope')} must be 'borough' or 'force', not {self.scope!r}")
        self.force_wide_tiers = frozenset(tier_rank(t) for t in policy.get(key("force_wide_tiers")))
        self.probationer_max_tier = tier_rank(str(policy.get(key("probationer_max_tier"))))
        self.borough_penalty = float(policy.get(key("prefer_same_borough_bonus")))
        self.team_penalty = float(policy.get(key("prefer_same_team_bonus")))
        self.linked_penalty = float(policy.get(key("keep_linked_bonus")))
        self.span_penalty = float(policy.get(key("over_span_supervisor_penalty")))
        self.span_limit = int(policy.get(key("supervisor_span_of_control")))
        self.caseload_red = int(policy.get(key("caseload_red")))
        self.probationer_caseload_red = int(policy.get(key("probationer_caseload_red")))
        self.weighted_load_cap = float(policy.get(key("weighted_load_cap")))
        self.over_span = frozenset(s.id for s in supervisors if s.span_of_control > self.span_limit)
        self.series_holders: dict[str, set[str]] = {}
        self.suspect_holders: dict[str, set[str]] = {}
        for o in investigators:
            for s in o.linked_series:
                self.series_holders.setdefault(s, set()).add(o.id)
            for s in o.suspect_ids:
                self.suspect_holders.setdefault(s, set()).add(o.id)

    # -- hard constraints -------------------------------------------------------------------------
    def in_scope(self, unit: Unit, officer: Investigator) -> bool:
        return self.scope == "force" or officer.borough in unit.boroughs or unit.tier in self.force_wide_tiers

    def static_ok(self, unit: Unit, officer: Investigator) -> bool:
        """Every hard constraint except capacity, which the solver tracks as loads change."""
        return (
            self.in_scope(unit, officer)
            and officer.available
            and officer.availability > 0
            and officer.id not in unit.conflicts
            and officer.pip >= unit.required_pip
            and unit.specialisms <= officer.specialisms
            and (not officer.probationer or unit.tier <= self.probationer_max_tier)
        )

    def failures(
        self, unit: Unit, officer: Investigator, *, extra_count: int = 0, extra_load: float = 0.0
    ) -> list[ConstraintFailure]:
        """Every hard constraint the pair breaks, given the officer also takes ``extra_*`` from this batch."""
        out: list[ConstraintFailure] = []
        p = self.policy
        if not self.in_scope(unit, officer):
            out.append(
                ConstraintFailure(
                    OUT_OF_SCOPE,
                    f"{officer.id} is in borough {officer.borough}, not {_join(unit.boroughs)}",
                    p.basis(key("scope")),
                )
            )
        if not officer.available or officer.availability <= 0:
            out.append(
                ConstraintFailure(
                    UNAVAILABLE, f"{officer.id} is unavailable (leave or abstraction)", BASIS_HARD_RULES
                )
            )
        if officer.id in unit.conflicts:
            out.append(
                ConstraintFailure(
                    CONFLICT, f"{officer.id} has a declared conflict of interest", BASIS_HARD_RULES
                )
            )
        if officer.pip < unit.required_pip:
            out.append(
                ConstraintFailure(
                    PIP,
                    f"{officer.id} is PIP{officer.pip}, PIP{unit.required_pip} required",
                    BASIS_HARD_RULES,
                )
            )
        missing = sorted(unit.specialisms - officer.specialisms)
        if missing:
            out.append(
                ConstraintFailure(
                    SPECIALISM, f"{officer.id} lacks specialism {', '.join(missing)}", BASIS_HARD_RULES
                )
            )
        if officer.probationer and unit.tier > self.probationer_max_tier:
            out.append(
                ConstraintFailure(
                    PROBATIONER_TIER,
                    f"{officer.id} is a probationer: tiers up to "
                    f"T{self.probationer_max_tier} only, this is T{unit.tier}",
                    p.basis(key("probationer_max_tier")),
                )
            )
        if officer.available and officer.availability > 0:
            red_count = self.probationer_caseload_red if officer.probationer else self.caseload_red
            count_cap = math.floor(red_count * officer.availability + EPS)
            count_after = officer.open_crimes + extra_count + unit.count
            if count_after > count_cap:
                red = "probationer_caseload_red" if officer.probationer else "caseload_red"
                out.append(
                    ConstraintFailure(
                        CASELOAD_CAP,
                        f"{officer.id} would hold {count_after} crimes, cap {count_cap}",
                        p.basis(key(red)),
                    )
                )
            w_cap = self.weighted_load_cap * officer.availability
            load_after = officer.weighted_load + extra_load + unit.weight
            if load_after > w_cap + EPS:
                out.append(
                    ConstraintFailure(
                        WEIGHTED_CAP,
                        f"{officer.id} would carry weighted load {load_after:g}, cap {w_cap:g}",
                        p.basis(key("weighted_load_cap")),
                    )
                )
        return out

    # -- preferences --------------------------------------------------------------------------------
    def preference_terms(self, unit: Unit, officer: Investigator) -> dict[str, float]:
        """Soft costs of giving this unit to this officer (each per crime, zero when preferred)."""
        terms: dict[str, float] = {}
        if officer.borough not in unit.boroughs:
            terms["other_borough"] = self.borough_penalty * unit.count
        if (officer.borough, officer.team) not in unit.teams:
            terms["other_team"] = self.team_penalty * unit.count
        holders = self.holders(unit)
        if holders and officer.id not in holders:
            terms["not_holding_linked"] = self.linked_penalty * unit.count
        if officer.supervisor_id in self.over_span:
            terms["supervisor_over_span"] = self.span_penalty * unit.count
        return terms

    def preference_cost(self, unit: Unit, officer: Investigator) -> float:
        return sum(self.preference_terms(unit, officer).values())

    def holders(self, unit: Unit) -> frozenset[str]:
        out: set[str] = set()
        for s in unit.series:
            out |= self.series_holders.get(s, set())
        for s in unit.suspects:
            out |= self.suspect_holders.get(s, set())
        return frozenset(out)


def build_units(
    crimes: Sequence[CrimeToAllocate], officers: Sequence[Investigator], rules: Rules
) -> list[Unit]:
    """Linked groups become one unit when some officer may lawfully take all of them; otherwise they split."""
    units: list[Unit] = []
    for group in linked_groups(crimes):
        unit = make_unit(group, policy=rules.policy)
        if len(group) == 1 or any(
            rules.static_ok(unit, o) and not _cap_fails(rules, unit, o) for o in officers
        ):
            units.append(unit)
        else:
            units.extend(make_unit([c], policy=rules.policy, split_from=unit) for c in group)
    return units


def _cap_fails(rules: Rules, unit: Unit, officer: Investigator) -> bool:
    return any(f.code in CAPACITY_CODES for f in rules.failures(unit, officer))


def _join(items: Iterable[str]) -> str:
    return ", ".join(sorted(items))


def officers_by_id(officers: Iterable[Investigator]) -> Mapping[str, Investigator]:
    return {o.id: o for o in officers}
