"""An independent check of a finished allocation run against the hard constraints.

Written separately from the solver (it imports none of the engine's constraint or workload code, only the
plain input types and the policy) so that tests and benchmarks do not grade the solver with its own logic.
The Django layer can call it on the rows it is about to write.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from custos.core.policy import Policy

from .model import AllocationRun, CrimeToAllocate, Investigator


def _weight(c: CrimeToAllocate, s: dict[str, object]) -> float:
    weights = s["tier_weight"]
    assert isinstance(weights, dict)
    w = float(weights[c.tier])
    if c.enhanced_victim:
        w *= float(s["enhanced_victim_factor"])  # type: ignore[arg-type]
    if c.open_lines_of_enquiry > int(s["many_open_lines"]):  # type: ignore[call-overload]
        w *= float(s["many_open_lines_factor"])  # type: ignore[arg-type]
    return w


def violations(
    run: AllocationRun,
    crimes: Sequence[CrimeToAllocate],
    investigators: Sequence[Investigator],
    *,
    policy: Policy,
) -> list[str]:
    """Every hard-constraint breach in ``run``; an empty list means the run is lawful."""
    s = policy.get("allocation")
    crime = {c.id: c for c in crimes}
    officer = {o.id: o for o in investigators}
    series_boroughs: dict[str, set[str]] = {}
    suspect_boroughs: dict[str, set[str]] = {}
    for c in crimes:
        if c.linked_series:
            series_boroughs.setdefault(c.linked_series, set()).add(c.borough)
        for x in c.suspect_ids:
            suspect_boroughs.setdefault(x, set()).add(c.borough)
    out: list[str] = []
    seen: set[str] = set()
    added_n: dict[str, int] = {}
    added_w: dict[str, float] = {}
    for a in run.allocations:
        if a.crime in seen:
            out.append(f"{a.crime}: allocated twice")
        seen.add(a.crime)
        maybe_c, maybe_o = crime.get(a.crime), officer.get(a.officer)
        if maybe_c is None or maybe_o is None:
            out.append(f"{a.crime}: unknown crime or officer {a.officer}")
            continue
        c, o = maybe_c, maybe_o
        if o.pip < c.required_pip:
            out.append(f"{c.id}: {o.id} PIP{o.pip} < PIP{c.required_pip}")
        if c.specialism is not None and c.specialism not in o.specialisms:
            out.append(f"{c.id}: {o.id} lacks {c.specialism}")
        if o.probationer and int(c.tier[1:]) > int(str(s["probationer_max_tier"])[1:]):
            out.append(f"{c.id}: probationer {o.id} given {c.tier}")
        if not o.available or o.availability <= 0:
            out.append(f"{c.id}: {o.id} is unavailable")
        if o.id in c.conflicts:
            out.append(f"{c.id}: {o.id} has a conflict of interest")
        wide = s["scope"] == "force" or c.tier in s["force_wide_tiers"]
        # A batch-linked group may span boroughs; any member's borough is in scope for all of them.
        linked_elsewhere = o.borough in series_boroughs.get(c.linked_series or "", set()) or any(
            o.borough in suspect_boroughs.get(x, set()) for x in c.suspect_ids
        )
        if not wide and o.borough != c.borough and not linked_elsewhere:
            out.append(f"{c.id}: {o.id} is outside borough {c.borough}")
        added_n[o.id] = added_n.get(o.id, 0) + 1
        added_w[o.id] = added_w.get(o.id, 0.0) + _weight(c, s)
    for u in run.unallocated:
        if u.crime in seen:
            out.append(f"{u.crime}: both allocated and unallocated")
        seen.add(u.crime)
    missing = set(crime) - seen
    if missing:
        out.append(f"crimes neither allocated nor queued: {sorted(missing)}")
    for oid, n in added_n.items():
        o = officer[oid]
        red = int(s["probationer_caseload_red"] if o.probationer else s["caseload_red"])
        if o.open_crimes + n > math.floor(red * o.availability + 1e-9):
            out.append(f"{oid}: {o.open_crimes + n} crimes over cap {red} x {o.availability}")
        cap = float(s["weighted_load_cap"]) * o.availability
        if o.weighted_load + added_w[oid] > cap + 1e-6:
            out.append(f"{oid}: weighted load {o.weighted_load + added_w[oid]:g} over cap {cap:g}")
    return out
