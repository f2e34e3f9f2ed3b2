"""The batch MILP for one component, solved by HiGHS through ``scipy.optimize.milp``.

Variables: x[k,o] = how many units of class k go to officer o (integer), r[k] = units of class k left
unallocated (integer), s[o,j] = load officer o takes in balance band j (continuous, convex slopes, so the
cheapest bands fill first without binaries), and z = maximum utilisation (stage 2 only).
See docs/decisions/0002-allocation-solver.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from .problem import TOL, Problem
from .workload import EPS, key


class Stage(Enum):
    LEAST_UNALLOCATED = 1
    LEAST_MAX_UTILISATION = 2
    LEAST_COST = 3


@dataclass(frozen=True)
class StageResult:
    """``counts`` is None when the time limit passed before any solution: the caller keeps its incumbent."""

    counts: dict[tuple[int, int], int] | None
    objective: float
    dual_bound: float
    status: str
    optimal: bool


def solve_component(
    problem: Problem,
    classes: list[int],
    stage: Stage,
    *,
    unallocated_limit: float,
    max_utilisation: float,
    time_limit: float,
) -> StageResult:
    officers = sorted({i for k in classes for i in problem.classes[k].candidates})
    col_of_officer = {i: n for n, i in enumerate(officers)}
    cost: list[float] = []
    lower: list[float] = []
    upper: list[float] = []
    integral: list[int] = []
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    row_lo: list[float] = []
    row_hi: list[float] = []

    def var(c: float, lo: float, hi: float, is_int: bool) -> int:
        cost.append(c)
        lower.append(lo)
        upper.append(hi)
        integral.append(1 if is_int else 0)
        return len(cost) - 1

    def row(entries: list[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(row_lo)
        for col, v in entries:
            rows.append(r)
            cols.append(col)
            vals.append(v)
        row_lo.append(lo)
        row_hi.append(hi)

    x_cols: dict[tuple[int, int], int] = {}
    by_officer: list[list[tuple[int, float, int]]] = [[] for _ in officers]  # (col, weight, count)
    r_cols: list[tuple[int, float]] = []
    for k in classes:
        c = problem.classes[k]
        n = len(c.units)
        entries = []
        for pos, i in enumerate(c.candidates):
            col = var(c.pref[pos] if stage is Stage.LEAST_COST else 0.0, 0, n, True)
            x_cols[(k, i)] = col
            by_officer[col_of_officer[i]].append((col, c.weight, c.count))
            entries.append((col, 1.0))
        rc = var(c.weight if stage is Stage.LEAST_UNALLOCATED else 0.0, 0, n, True)
        r_cols.append((rc, c.weight))
        entries.append((rc, 1.0))
        row(entries, n, n)
    z_col = (
        var(1.0, problem.base_max_utilisation, math.inf, False)
        if stage is Stage.LEAST_MAX_UTILISATION
        else -1
    )
    for n_o, i in enumerate(officers):
        o = problem.officers[i]
        cap = problem.cap_w[i]
        row(
            [(col, float(cnt)) for col, _, cnt in by_officer[n_o]],
            -math.inf,
            float(problem.cap_n[i] - o.open_crimes),
        )
        load_entries = [(col, w) for col, w, _ in by_officer[n_o]]
        if stage is Stage.LEAST_COST:
            upper_load = min(cap, max(max_utilisation * cap, o.weighted_load)) + EPS
            segs = problem.curve.segments(o.weighted_load, upper_load, cap)
            seg_entries = [(var(slope, 0.0, width, False), -1.0) for width, slope in segs]
            row(load_entries + seg_entries, -math.inf, 0.0)
        elif stage is Stage.LEAST_MAX_UTILISATION:
            # (load0 + added) / cap <= z
            row([*load_entries, (z_col, -cap)], -math.inf, -o.weighted_load)
            row(load_entries, -math.inf, cap - o.weighted_load + EPS)
        else:
            row(load_entries, -math.inf, cap - o.weighted_load + EPS)
    if stage is not Stage.LEAST_UNALLOCATED:
        row([(rc, w) for rc, w in r_cols], -math.inf, unallocated_limit + TOL * max(1.0, unallocated_limit))

    a = coo_array((vals, (rows, cols)), shape=(len(row_lo), len(cost))).tocsr()
    res = milp(
        c=np.array(cost),
        integrality=np.array(integral),
        bounds=Bounds(np.array(lower), np.array(upper)),
        constraints=LinearConstraint(a, np.array(row_lo), np.array(row_hi)),
        options={
            "time_limit": time_limit,
            "mip_rel_gap": float(problem.policy.get(key("solver_mip_rel_gap"))),
            "presolve": True,
        },
    )
    bound = getattr(res, "mip_dual_bound", None)
    if res.x is None:
        return StageResult(
            None, math.inf, float(bound) if bound is not None else -math.inf, str(res.message), False
        )
    counts = {ki: round(res.x[col]) for ki, col in x_cols.items() if res.x[col] > 0.5}
    return StageResult(
        counts=counts,
        objective=float(res.fun),
        dual_bound=float(bound) if bound is not None and math.isfinite(bound) else float(res.fun),
        status=str(res.message),
        optimal=res.status == 0,
    )
