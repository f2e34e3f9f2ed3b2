"""One crime at a time: the single-crime mode, and the greedy baseline the batch is measured against.

For one unit the lexicographic objective is decided by enumeration, which is exact: so a single-crime
allocation and a one-crime batch always agree.
"""

from __future__ import annotations

from collections.abc import Iterable

from .problem import Problem
from .workload import utilisation


def choose(
    problem: Problem, unit_index: int, extra_w: list[float], extra_n: list[int], current_max: float
) -> tuple[int | None, float]:
    """The best officer for one unit given loads so far: (officer index or None, new max utilisation)."""
    u = problem.units[unit_index]
    cls = problem.classes[problem.class_of_unit[u.id]]
    best: tuple[float, float, str] | None = None
    best_i: int | None = None
    for pos, i in enumerate(cls.candidates):
        if not problem.fits(i, u.weight, u.count, extra_w[i], extra_n[i]):
            continue
        o = problem.officers[i]
        load = o.weighted_load + extra_w[i]
        new_max = max(current_max, utilisation(load + u.weight, problem.cap_w[i]))
        cost = problem.curve.marginal(load, u.weight, problem.cap_w[i]) + cls.pref[pos]
        key = (round(new_max, 9), round(cost, 9), o.id)
        if best is None or key < best:
            best, best_i = key, i
    return best_i, (best[0] if best else current_max)


def greedy(problem: Problem, unit_indices: Iterable[int] | None = None) -> dict[str, int | None]:
    """Heaviest crimes first (ties by id), each to the officer the single-crime rule picks."""
    idx = list(range(len(problem.units))) if unit_indices is None else list(unit_indices)
    idx.sort(key=lambda k: (-problem.units[k].weight, problem.units[k].id))
    extra_w = [0.0] * len(problem.officers)
    extra_n = [0] * len(problem.officers)
    current_max = problem.base_max_utilisation
    out: dict[str, int | None] = {}
    for k in idx:
        u = problem.units[k]
        i, new_max = choose(problem, k, extra_w, extra_n, current_max)
        out[u.id] = i
        if i is not None:
            extra_w[i] += u.weight
            extra_n[i] += u.count
            current_max = max(current_max, new_max)
    return out
