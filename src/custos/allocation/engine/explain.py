"""Explanations: why this officer, why not the next best, which constraints bound, and why unallocated."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from .eligibility import CAPACITY_CODES, CONSTRAINT_ORDER, Unit
from .model import Allocation, Alternative, Investigator, Unallocated
from .problem import TOL, Problem
from .workload import EPS, RAG, key, rag_status, utilisation

HIGHER_COST = "higher_cost"
EQUAL_COST = "equal_cost_tie"
MAX_UTILISATION = "max_utilisation"

# Reasons that name other crimes by reference; pages re-word them for readers who may not open those crimes.
KEPT_WITH_LINKED = "kept with linked crimes "
LINKED_GROUP = "linked group "
LINKED_GROUP_SPLIT = " split: no one investigator may take all of it"

CONSTRAINT_WORDS = {
    "scope": "outside the crime's borough",
    "unavailable": "unavailable",
    "conflict_of_interest": "conflict of interest",
    "pip": "PIP level too low",
    "specialism": "lacks the specialism",
    "probationer_tier": "probationer (T1 only)",
    "caseload_cap": "at caseload cap",
    "weighted_load_cap": "at weighted load cap",
}


@dataclass
class Loads:
    """Each officer's load after the batch, for judging alternatives against the final state."""

    extra_w: list[float]
    extra_n: list[int]


def final_loads(problem: Problem, assignment: Mapping[str, int | None]) -> Loads:
    loads = Loads([0.0] * len(problem.officers), [0] * len(problem.officers))
    for u in problem.units:
        i = assignment.get(u.id)
        if i is not None:
            loads.extra_w[i] += u.weight
            loads.extra_n[i] += u.count
    return loads


def pool_of(problem: Problem, unit: Unit) -> list[int]:
    wide = problem.rules.scope == "force" or unit.tier in problem.rules.force_wide_tiers
    return [i for i, o in enumerate(problem.officers) if wide or o.borough in unit.boroughs]


def _cost_at(
    problem: Problem, unit: Unit, i: int, loads: Loads, *, holding: bool
) -> tuple[float, dict[str, float]]:
    """Cost of this unit at officer i with final loads; ``holding`` = officer i already carries it."""
    o = problem.officers[i]
    cap = problem.cap_w[i]
    load = o.weighted_load + loads.extra_w[i] - (unit.weight if holding else 0.0)
    terms = dict(problem.rules.preference_terms(unit, o))
    terms["balance"] = problem.curve.marginal(load, unit.weight, cap) if cap > 0 else float("inf")
    return sum(terms.values()), terms


def explain_allocations(
    problem: Problem, assignment: Mapping[str, int | None], max_utilisation: float
) -> list[Allocation]:
    loads = final_loads(problem, assignment)
    shown = int(problem.policy.get(key("next_best_shown")))
    # Sequential loads per officer in crime-id order, for load_before/load_after of each crime.
    per_officer: dict[int, list[tuple[str, float]]] = {}
    weight_of: dict[str, float] = {}
    for u in problem.units:
        i = assignment.get(u.id)
        if i is None:
            continue
        for c in u.crimes:
            w = _crime_weight(problem, c.id, u)
            weight_of[c.id] = w
            per_officer.setdefault(i, []).append((c.id, w))
    before: dict[str, float] = {}
    for i, items in per_officer.items():
        running = problem.officers[i].weighted_load
        for cid, w in sorted(items):
            before[cid] = running
            running += w
    out: list[Allocation] = []
    rankings: dict[int, list[Ranked]] = {}
    for u in problem.units:
        i = assignment.get(u.id)
        if i is None:
            continue
        o = problem.officers[i]
        total, terms = _cost_at(problem, u, i, loads, holding=True)
        k = problem.class_of_unit[u.id]
        if k not in rankings:
            rankings[k] = _rank_pool(problem, u, loads, max_utilisation)
        alternatives, binding, eligible = _alternatives(problem, rankings[k], i, total, loads, shown)
        reasons = _reasons(problem, u, o, i, loads, eligible)
        for c in u.crimes:
            out.append(
                Allocation(
                    crime=c.id,
                    officer=o.id,
                    required_pip=c.required_pip,
                    officer_pip=o.pip,
                    specialism=c.specialism,
                    officer_specialisms=tuple(sorted(o.specialisms)),
                    load_before=before[c.id],
                    load_after=before[c.id] + weight_of[c.id],
                    cap=problem.cap_w[i],
                    reasons=tuple(reasons),
                    score={**terms, "total": total},
                    alternatives=tuple(alternatives),
                    binding=tuple(binding),
                )
            )
    out.sort(key=lambda a: a.crime)
    return out


def _crime_weight(problem: Problem, crime_id: str, unit: Unit) -> float:
    from .workload import weight_of

    return next(weight_of(c, policy=problem.policy) for c in unit.crimes if c.id == crime_id)


def _reasons(problem: Problem, u: Unit, o: Investigator, i: int, loads: Loads, eligible: int) -> list[str]:
    pol = problem.policy
    reasons = [f"PIP{o.pip} meets required PIP{u.required_pip}"]
    if u.specialisms:
        reasons.append(f"holds specialism {', '.join(sorted(u.specialisms))}")
    if o.probationer:
        reasons.append(f"probationer within tier limit {pol.get(key('probationer_max_tier'))}")
    reasons.append(f"{'same' if o.borough in u.boroughs else 'other'} borough ({o.borough})")
    if (o.borough, o.team) in u.teams:
        reasons.append(f"same team ({o.team_name or o.team})")
    holders = problem.rules.holders(u)
    if o.id in holders:
        reasons.append("already holds the linked series or suspect")
    if u.count > 1:
        reasons.append(KEPT_WITH_LINKED + ", ".join(c.id for c in u.crimes))
    if u.split_from_group:
        reasons.append(f"{LINKED_GROUP}{u.split_from_group}{LINKED_GROUP_SPLIT}")
    load_after = o.weighted_load + loads.extra_w[i]
    count_after = o.open_crimes + loads.extra_n[i]
    reasons.append(
        f"weighted load after this run {load_after:g} of cap {problem.cap_w[i]:g} "
        f"({utilisation(load_after, problem.cap_w[i]):.0%})"
    )
    reasons.append(f"caseload after this run {count_after} of cap {problem.cap_n[i]}")
    if rag_status(count_after, o.probationer, policy=pol) is RAG.AMBER:
        reasons.append(f"amber: {count_after} open crimes ({pol.basis(key('caseload_amber'))})")
    reasons.append(f"lowest cost for the batch of {eligible} eligible investigator(s) with capacity")
    return reasons


@dataclass(frozen=True)
class Ranked:
    cost: float
    officer: str
    index: int
    alternative: Alternative
    eligible: bool


def _rank_pool(problem: Problem, u: Unit, loads: Loads, max_utilisation: float) -> list[Ranked]:
    """Every in-scope officer with the cost of giving them this unit now, and what rules them out.

    The chosen officer's own line is dropped later: the ranking depends only on the class of the unit and
    the final loads, so it is computed once per class.
    """
    ranked: list[Ranked] = []
    for j in pool_of(problem, u):
        o = problem.officers[j]
        cost, terms = _cost_at(problem, u, j, loads, holding=False)
        fails = problem.rules.failures(u, o, extra_count=loads.extra_n[j], extra_load=loads.extra_w[j])
        if fails:
            alt = Alternative(o.id, cost if cost != float("inf") else None, fails[0].code, fails[0].detail)
        else:
            util = utilisation(o.weighted_load + loads.extra_w[j] + u.weight, problem.cap_w[j])
            if util > max_utilisation + TOL:
                alt = Alternative(
                    o.id, cost, MAX_UTILISATION, f"would raise the highest utilisation to {util:.0%}"
                )
            else:
                detail = ", ".join(f"{k} {v:g}" for k, v in sorted(terms.items()) if v)
                alt = Alternative(o.id, cost, HIGHER_COST, f"cost {cost:g} ({detail})")
        ranked.append(Ranked(cost, o.id, j, alt, alt.ruled_out_by == HIGHER_COST))
    ranked.sort(key=lambda r: (r.cost, r.officer))
    return ranked


def _alternatives(
    problem: Problem, ranked: list[Ranked], chosen: int, chosen_cost: float, loads: Loads, shown: int
) -> tuple[list[Alternative], list[str], int]:
    others = [r for r in ranked if r.index != chosen]
    top: list[Alternative] = []
    for r in others[:shown]:
        top.append(_relative(r, chosen_cost))
    if not any(r.eligible for r in others[:shown]):
        best = next((r for r in others if r.eligible), None)
        if best is not None:
            top.append(_relative(best, chosen_cost))
    blocked_cheaper: Counter[str] = Counter(
        r.alternative.ruled_out_by for r in others if not r.eligible and r.cost < chosen_cost - TOL
    )
    binding = [
        f"{code}: ruled out {n} cheaper candidate(s)"
        for code, n in sorted(blocked_cheaper.items(), key=lambda kv: _order(kv[0]))
    ]
    o = problem.officers[chosen]
    if o.open_crimes + loads.extra_n[chosen] >= problem.cap_n[chosen]:
        binding.append(f"caseload_cap: {o.id} is now at its cap of {problem.cap_n[chosen]}")
    if o.weighted_load + loads.extra_w[chosen] >= problem.cap_w[chosen] - EPS:
        binding.append(f"weighted_load_cap: {o.id} is now at its cap of {problem.cap_w[chosen]:g}")
    return top, binding, 1 + sum(1 for r in others if r.eligible)


def _relative(r: Ranked, chosen_cost: float) -> Alternative:
    """Eligible alternatives are described against the chosen officer's cost."""
    if not r.eligible:
        return r.alternative
    if r.cost > chosen_cost + TOL:
        return Alternative(
            r.officer,
            r.cost,
            HIGHER_COST,
            f"{r.alternative.detail} vs {chosen_cost:g} for the chosen officer",
        )
    # Equal or lower on its own, yet not chosen: only moving other crimes too would make room for it.
    return Alternative(
        r.officer,
        r.cost,
        EQUAL_COST,
        f"{r.alternative.detail} vs {chosen_cost:g}: no better for the batch as a whole",
    )


def _order(code: str) -> int:
    return CONSTRAINT_ORDER.index(code) if code in CONSTRAINT_ORDER else len(CONSTRAINT_ORDER)


def explain_unallocated(problem: Problem, assignment: Mapping[str, int | None]) -> list[Unallocated]:
    loads = final_loads(problem, assignment)
    out: list[Unallocated] = []
    for u in problem.units:
        if assignment.get(u.id) is not None:
            continue
        counts: Counter[str] = Counter()
        pool = pool_of(problem, u)
        for j in pool:
            fails = problem.rules.failures(
                u, problem.officers[j], extra_count=loads.extra_n[j], extra_load=loads.extra_w[j]
            )
            if not fails:
                counts["filled_by_this_batch"] += 1
                continue
            counts[fails[0].code] += 1
            if fails[0].code in CAPACITY_CODES and not any(
                f.code in CAPACITY_CODES for f in problem.rules.failures(u, problem.officers[j])
            ):
                counts[fails[0].code] -= 1
                counts["filled_by_this_batch"] += 1
        reason = _no_capacity_sentence(problem, u, len(pool), counts)
        failures = {k: v for k, v in counts.items() if v}
        for c in u.crimes:
            out.append(Unallocated(crime=c.id, reason=reason, failures=failures))
    out.sort(key=lambda x: x.crime)
    return out


def _no_capacity_sentence(problem: Problem, u: Unit, pool_size: int, counts: Counter[str]) -> str:
    wanted = f"PIP{u.required_pip}"
    if u.specialisms:
        wanted += f" {'/'.join(sorted(u.specialisms))} specialist"
    if problem.rules.probationer_max_tier < u.tier:
        wanted += " (not a probationer)"
    wide = problem.rules.scope == "force" or u.tier in problem.rules.force_wide_tiers
    where = "in the force" if wide else f"in borough {', '.join(sorted(u.boroughs))}"
    parts = [
        f"{n} {CONSTRAINT_WORDS.get(code, code.replace('_', ' '))}"
        for code, n in sorted(counts.items(), key=lambda kv: _order(kv[0]))
        if n
    ]
    detail = f"{pool_size} investigators considered" + (f": {'; '.join(parts)}" if parts else "")
    group = f" for linked group of {u.count} crimes" if u.count > 1 else ""
    return f"no {wanted} with capacity {where}{group} ({detail})"
