"""The batch MILP for one component, solved by HiGHS through ``scipy.optimize.milp``.

Variables: x[k,o] = how many units of class k go to officer o (integer), r[k] = units of class k left
unallocated (integer), s[o,j] = load officer o takes in balance band j (continuous, convex slopes, so the
cheapest bands fill first without binaries), and z = maximum utilisation (stage 2 only).
See docs/decisions/0002-allocation-solver.md.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum, StrEnum

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from .problem import TOL, Problem
from .workload import EPS, key


class Stage(Enum):
    LEAST_UNALLOCATED = 1
    LEAST_MAX_UTILISATION = 2
    LEAST_COST = 3


class Stop(StrEnum):
    """What ended a solve. Only the wall clock makes the answer depend on the machine and its load."""

    GAP = "gap"  # proven within solver_mip_rel_gap: optimal
    NODE_LIMIT = "node limit"  # solver_node_limit branch-and-bound nodes: deterministic, best found
    TIME_LIMIT = "time limit"  # solver_time_limit_seconds, the safety net: not reproducible
    OTHER = "solver status"  # anything else HiGHS reports (treated as not reproducible)


# HiGHS model status codes as scipy's message quotes them ("... (HiGHS Status 16: ...)").
_HIGHS_STATUS = re.compile(r"HiGHS Status (\d+)")
_HIGHS_TIME_LIMIT = 13
_HIGHS_WORK_LIMITS = (14, 16)  # iteration limit; solution limit, which is what mip_max_nodes ends with


def stop_of(success: bool, message: str) -> Stop:
    if success:
        return Stop.GAP
    found = _HIGHS_STATUS.search(message)
    code = int(found.group(1)) if found else -1
    if code == _HIGHS_TIME_LIMIT:
        return Stop.TIME_LIMIT
    if code in _HIGHS_WORK_LIMITS:
        return Stop.NODE_LIMIT
    return Stop.OTHER


@dataclass(frozen=True)
class StageResult:
    """``counts`` is None when a limit stopped the solve before any solution: keep the incumbent."""

    counts: dict[tuple[int, int], int] | None
    objective: float
    dual_bound: float
    status: str
    stopped_by: Stop

    @property
    def optimal(self) -> bool:
        return self.stopped_by is Stop.GAP


def solve_component(
    problem: Problem,
    classes: list[int],
    stage: Stage,
    *,
    unallocated_limit: float,
    max_utilisation: float,
    node_limit: int,
    time_limit: float,
) -> StageResult:
    """One stage on one component. ``node_limit`` is the deterministic work limit; ``time_limit`` only the
    wall-clock safety net (a solve it stops may differ between machines and runs)."""
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
            "node_limit": node_limit,
            "time_limit": time_limit,
            "mip_rel_gap": float(problem.policy.get(key("solver_mip_rel_gap"))),
            "presolve": True,
        },
    )
    bound = getattr(res, "mip_dual_bound", None)
    stopped_by = stop_of(res.status == 0, str(res.message))
    if res.x is None:
        return StageResult(
            None, math.inf, float(bound) if bound is not None else -math.inf, str(res.message), stopped_by
        )
    counts = {ki: round(res.x[col]) for ki, col in x_cols.items() if res.x[col] > 0.5}
    return StageResult(
        counts=counts,
        objective=float(res.fun),
        dual_bound=float(bound) if bound is not None and math.isfinite(bound) else float(res.fun),
        status=str(res.message),
        stopped_by=stopped_by,
    )
