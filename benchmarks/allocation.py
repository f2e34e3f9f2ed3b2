"""Allocation benchmark: 5,000 unallocated crimes across 3,000 investigators at London scale.

Run: ``.venv/bin/python benchmarks/allocation.py [--seed N] [--crimes N] [--investigators N]``.
Prints the batch solve time and its ratio to the greedy baseline (both timed here, in this process), the
objective against the proven dual bound, the maximum utilisation against greedy's, and the hard-constraint
violations found by the independent checker (must be 0). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from custos.allocation.engine import (
    CrimeToAllocate,
    Investigator,
    Supervisor,
    allocate_batch,
    allocate_greedy,
)
from custos.allocation.engine.verify import violations
from custos.core.policy import Policy, current_policy

SPECIALISMS = ("RASSO", "child_abuse", "OCSAE")
TEAMS = ("CID-A", "CID-B", "CID-C", "CID-D")


def make_force(
    seed: int, n_crimes: int, n_investigators: int, boroughs: int = 32
) -> tuple[list[CrimeToAllocate], list[Investigator], list[Supervisor]]:
    """A deterministic synthetic London: PIP mix ~70/25/5, 20% probationers, part-timers, leave, loads."""
    rng = random.Random(seed)
    codes = [f"B{b:02d}" for b in range(1, boroughs + 1)]
    investigators: list[Investigator] = []
    supervisors: list[Supervisor] = []
    series_holders: list[tuple[str, str]] = []
    by_borough: dict[str, list[str]] = {b: [] for b in codes}
    for n in range(n_investigators):
        borough = codes[n % boroughs]
        team = TEAMS[(n // boroughs) % len(TEAMS)]
        r = rng.random()
        pip = 1 if r < 0.70 else (2 if r < 0.95 else 3)
        probationer = pip == 1 and rng.random() < 0.20 / 0.70
        specs = frozenset({rng.choice(SPECIALISMS)}) if pip >= 2 and rng.random() < 0.35 else frozenset()
        avail_r = rng.random()
        available = avail_r >= 0.05
        availability = 1.0 if avail_r < 0.85 else rng.choice((0.5, 0.6, 0.8))
        red = 12 if probationer else 25
        open_crimes = min(red + 2, max(0, int(rng.gauss(red * 0.55, red * 0.25))))
        per_crime = 1.0 if pip == 1 else (1.8 if pip == 2 else 2.6)
        # A real weighted load is a sum of crime weights (tier weight x 1.5 x 1.25): a multiple of 1/8.
        load = round(open_crimes * per_crime * rng.uniform(0.7, 1.2) * 8) / 8
        oid = f"OFF{n:05d}"
        held = frozenset({f"S{borough}-{rng.randrange(10):02d}"}) if rng.random() < 0.05 else frozenset()
        suspects = frozenset({f"P{borough}-{rng.randrange(60):03d}"}) if rng.random() < 0.10 else frozenset()
        series_holders.extend((s, borough) for s in held)
        investigators.append(
            Investigator(
                id=oid,
                borough=borough,
                team=team,
                pip=pip,
                supervisor_id=f"SUP-{borough}-{team}",
                specialisms=specs,
                probationer=probationer,
                available=available,
                availability=availability,
                open_crimes=open_crimes,
                weighted_load=load,
                linked_series=held,
                suspect_ids=suspects,
            )
        )
        by_borough[borough].append(oid)
    for b in codes:
        for t in TEAMS:
            members = sum(1 for o in investigators if o.borough == b and o.team == t)
            supervisors.append(Supervisor(id=f"SUP-{b}-{t}", span_of_control=members // 3))
    crimes: list[CrimeToAllocate] = []
    series_next = 1000
    n = 0
    while n < n_crimes:
        borough = rng.choice(codes)
        tr = rng.random()
        tier = "T1" if tr < 0.70 else ("T2" if tr < 0.97 else ("T3" if tr < 0.995 else "T4"))
        pip = int(tier[1])
        spec = rng.choice(SPECIALISMS) if tier == "T2" and rng.random() < 0.25 else None
        series: str | None = None
        size = 1
        if rng.random() < 0.04:
            series, size = f"S{series_next:04d}", rng.randint(2, 4)
            series_next += 1
        elif rng.random() < 0.02:
            held_here = [sid for sid, b in series_holders if b == borough]
            series = rng.choice(held_here) if held_here else None
        for _ in range(min(size, n_crimes - n)):
            # Suspects are local: repeat offenders within a borough, so links rarely cross boroughs.
            suspects = (
                frozenset({f"P{borough}-{rng.randrange(60):03d}"}) if rng.random() < 0.15 else frozenset()
            )
            conflicts = frozenset({rng.choice(by_borough[borough])}) if rng.random() < 0.02 else frozenset()
            crimes.append(
                CrimeToAllocate(
                    id=f"CR{n:06d}",
                    borough=borough,
                    team=rng.choice(TEAMS),
                    tier=tier,
                    required_pip=min(pip, 3),
                    specialism=spec,
                    enhanced_victim=rng.random() < 0.3,
                    open_lines_of_enquiry=rng.randint(0, 8),
                    linked_series=series,
                    suspect_ids=suspects,
                    conflicts=conflicts,
                    age_days=rng.randint(0, 30),
                )
            )
            n += 1
    return crimes, investigators, supervisors


def run(
    seed: int, n_crimes: int, n_investigators: int, policy: Policy, boroughs: int = 32
) -> dict[str, object]:
    crimes, investigators, supervisors = make_force(seed, n_crimes, n_investigators, boroughs)
    t0 = time.perf_counter()
    greedy = allocate_greedy(crimes, investigators, supervisors, policy=policy)
    greedy_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    batch = allocate_batch(crimes, investigators, supervisors, policy=policy)
    batch_s = time.perf_counter() - t0
    assert batch.stats is not None and greedy.stats is not None
    again = allocate_batch(list(reversed(crimes)), list(reversed(investigators)), supervisors, policy=policy)
    return {
        "crimes": n_crimes,
        "investigators": n_investigators,
        "boroughs": boroughs,
        "seed": seed,
        "batch_seconds": round(batch_s, 3),
        "greedy_seconds": round(greedy_s, 3),
        "ratio_to_greedy": round(batch_s / greedy_s, 2),
        "status": batch.stats.status,
        "components": batch.stats.components,
        "milp_stages_solved": batch.stats.stages_solved,
        "objective": round(batch.stats.objective, 4),
        "dual_bound": round(batch.stats.dual_bound, 4),
        "mip_gap": batch.stats.mip_gap,
        "greedy_objective": round(greedy.stats.objective, 4),
        "allocated": len(batch.allocations),
        "unallocated": len(batch.unallocated),
        "greedy_unallocated": len(greedy.unallocated),
        "unallocated_weight": batch.stats.unallocated_weight,
        "greedy_unallocated_weight": greedy.stats.unallocated_weight,
        "max_utilisation": round(batch.stats.max_utilisation, 4),
        "greedy_max_utilisation": round(greedy.stats.max_utilisation, 4),
        "violations": len(violations(batch, crimes, investigators, policy=policy)),
        "greedy_violations": len(violations(greedy, crimes, investigators, policy=policy)),
        "identical_when_input_reversed": again.to_json_dict() == batch.to_json_dict(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--crimes", type=int, default=5000)
    parser.add_argument("--investigators", type=int, default=3000)
    parser.add_argument("--boroughs", type=int, default=32)
    args = parser.parse_args()
    print(
        json.dumps(run(args.seed, args.crimes, args.investigators, current_policy(), args.boroughs), indent=2)
    )


if __name__ == "__main__":
    main()
