"""What-if simulation: the same engine under changed policy numbers, with nothing written anywhere."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from custos.core.policy import Policy

from .batch import Progress, allocate_batch
from .model import AllocationRun, CrimeToAllocate, Investigator, Supervisor
from .workload import RAG, crime_weight, rag_status


@dataclass(frozen=True)
class LoadDistribution:
    investigators: int
    p50: float
    p90: float
    p95: float
    max: float
    over_amber: int
    over_red: int


@dataclass(frozen=True)
class WhatIfReport:
    policy_version: str
    overrides: dict[str, Any]
    allocated: int
    unallocated: int
    load: LoadDistribution
    run: AllocationRun

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "policy_version": self.policy_version,
            "overrides": dict(sorted(self.overrides.items())),
            "allocated": self.allocated,
            "unallocated": self.unallocated,
            "load": self.load.__dict__,
        }


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of already sorted values."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return float(sorted_values[min(rank, len(sorted_values)) - 1])


def load_distribution(
    run: AllocationRun,
    crimes: Sequence[CrimeToAllocate],
    investigators: Sequence[Investigator],
    *,
    policy: Policy,
) -> LoadDistribution:
    """Weighted loads and RAG counts after the run (available investigators only)."""
    by_id = {c.id: c for c in crimes}
    extra_w: dict[str, float] = {}
    extra_n: dict[str, int] = {}
    for a in run.allocations:
        c = by_id[a.crime]
        extra_w[a.officer] = extra_w.get(a.officer, 0.0) + crime_weight(
            c.tier, c.enhanced_victim, c.open_lines_of_enquiry, policy=policy
        )
        extra_n[a.officer] = extra_n.get(a.officer, 0) + 1
    loads: list[float] = []
    amber = red = 0
    for o in investigators:
        if not o.available:
            continue
        loads.append(o.weighted_load + extra_w.get(o.id, 0.0))
        status = rag_status(o.open_crimes + extra_n.get(o.id, 0), o.probationer, policy=policy)
        amber += status is RAG.AMBER
        red += status is RAG.RED
    loads.sort()
    return LoadDistribution(
        investigators=len(loads),
        p50=percentile(loads, 50),
        p90=percentile(loads, 90),
        p95=percentile(loads, 95),
        max=loads[-1] if loads else 0.0,
        over_amber=amber,
        over_red=red,
    )


def simulate(
    crimes: Sequence[CrimeToAllocate],
    investigators: Sequence[Investigator],
    supervisors: Sequence[Supervisor] = (),
    *,
    policy: Policy,
    overrides: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> WhatIfReport:
    """Run the batch under ``policy.with_overrides(overrides)``; returns figures only, writes nothing."""
    trial = policy.with_overrides(dict(overrides or {}))
    run = allocate_batch(crimes, investigators, supervisors, policy=trial, progress=progress)
    return WhatIfReport(
        policy_version=trial.version,
        overrides=dict(overrides or {}),
        allocated=len(run.allocations),
        unallocated=len(run.unallocated),
        load=load_distribution(run, crimes, investigators, policy=trial),
        run=run,
    )
