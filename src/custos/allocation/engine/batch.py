"""The one deterministic, versioned allocation function, in batch and single-crime mode."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from custos.core.forking import forked_map
from custos.core.policy import Policy

from .explain import explain_allocations, explain_unallocated
from .greedy import choose, greedy
from .milp import Stage, StageResult, Stop, solve_component
from .model import (
    ENGINE_VERSION,
    Allocation,
    AllocationRun,
    CrimeToAllocate,
    Investigator,
    SolveStats,
    Supervisor,
    Unallocated,
)
from .problem import TOL, Problem
from .workload import key, utilisation

# progress(what, done, total): called in the calling process as a run advances (CLI bars, job pages).
Progress = Callable[[str, int, int], None]


def allocate_batch(
    crimes: Sequence[CrimeToAllocate],
    investigators: Sequence[Investigator],
    supervisors: Sequence[Supervisor] = (),
    *,
    policy: Policy,
    progress: Progress | None = None,
) -> AllocationRun:
    """Allocate every crime in ``crimes`` optimally for the batch (see docs/decisions/0002).

    ``progress(what, done, total)`` hears of each component's solves as they finish."""
    started = time.perf_counter()
    problem = Problem.build(crimes, investigators, supervisors, policy=policy)
    assignment, stats = solve(problem, started=started, progress=progress)
    return _run(problem, assignment, stats)


def allocate_single(
    crime: CrimeToAllocate,
    investigators: Sequence[Investigator],
    supervisors: Sequence[Supervisor] = (),
    *,
    policy: Policy,
) -> AllocationRun:
    """Instant decision for one crime: exact enumeration of the same objective the batch optimises."""
    started = time.perf_counter()
    problem = Problem.build([crime], investigators, supervisors, policy=policy)
    assignment = greedy(problem)
    objective = problem.evaluate(assignment)
    stats = SolveStats(
        "enumeration",
        "optimal",
        objective.cost,
        objective.cost,
        0.0,
        objective.unallocated_weight,
        problem.highest_utilisation(assignment),
        1,
        0,
        time.perf_counter() - started,
        stopped_by="gap",  # exhaustive: every lawful choice was compared
    )
    return _run(problem, assignment, stats)


def allocate_greedy(
    crimes: Sequence[CrimeToAllocate],
    investigators: Sequence[Investigator],
    supervisors: Sequence[Supervisor] = (),
    *,
    policy: Policy,
) -> AllocationRun:
    """The baseline: heaviest crime first, each by the single-crime rule. For comparison only."""
    started = time.perf_counter()
    problem = Problem.build(crimes, investigators, supervisors, policy=policy)
    assignment = greedy(problem)
    objective = problem.evaluate(assignment)
    stats = SolveStats(
        "greedy",
        "heuristic",
        objective.cost,
        float("nan"),
        float("nan"),
        objective.unallocated_weight,
        problem.highest_utilisation(assignment),
        0,
        0,
        time.perf_counter() - started,
    )
    return _run(problem, assignment, stats, explain=False)


def _run(
    problem: Problem, assignment: Mapping[str, int | None], stats: SolveStats, *, explain: bool = True
) -> AllocationRun:
    if explain:
        allocations = explain_allocations(problem, assignment, problem.evaluate(assignment).max_utilisation)
        unallocated = explain_unallocated(problem, assignment)
    else:
        allocations, unallocated = _bare(problem, assignment)
    return AllocationRun(
        policy_version=problem.policy.version,
        engine_version=ENGINE_VERSION,
        allocations=tuple(allocations),
        unallocated=tuple(unallocated),
        stats=stats,
    )


def _bare(
    problem: Problem, assignment: Mapping[str, int | None]
) -> tuple[list[Allocation], list[Unallocated]]:
    """Contract fields without the explanation work (the greedy baseline is for comparison only)."""
    allocations: list[Allocation] = []
    unallocated: list[Unallocated] = []
    for u in problem.units:
        i = assignment.get(u.id)
        for c in u.crimes:
            if i is None:
                unallocated.append(Unallocated(c.id, "greedy baseline found no officer"))
            else:
                o = problem.officers[i]
                allocations.append(
                    Allocation(
                        c.id,
                        o.id,
                        c.required_pip,
                        o.pip,
                        c.specialism,
                        tuple(sorted(o.specialisms)),
                        0.0,
                        0.0,
                        problem.cap_w[i],
                        (),
                    )
                )
    allocations.sort(key=lambda a: a.crime)
    unallocated.sort(key=lambda a: a.crime)
    return allocations, unallocated


@dataclass(frozen=True)
class _Limits:
    """What every solve of one run gets: the deterministic node limit and the whole run's wall-clock net."""

    nodes: int
    seconds: float
    started: float

    def left(self) -> float:
        """What is left of the whole run's wall-clock budget. It is the safety net, not the work limit: the
        node limit is what keeps one hard component from starving the rest, and it does so the same way on
        every machine. The wall clock only binds on a run that has already overrun (then at least 1 s)."""
        return max(1.0, self.seconds - (time.perf_counter() - self.started))


@dataclass(frozen=True)
class _Early:
    """Stages 1 and 2 of one component: its incumbent, least unallocated weight and highest utilisation."""

    incumbent: dict[str, int | None]
    unallocated_limit: float
    max_utilisation: float | None  # None: the component never raises the force's highest utilisation
    stops: frozenset[Stop]
    stages: int


_NOT_YET = _Early({}, 0.0, None, frozenset(), 0)  # a slot filled in from the workers' results


@dataclass(frozen=True)
class _Late:
    """Stage 3 of one component."""

    assignment: dict[str, int | None]
    cost: float
    bound: float
    stops: frozenset[Stop]
    stages: int


def solve(
    problem: Problem, *, started: float, progress: Progress | None = None
) -> tuple[dict[str, int | None], SolveStats]:
    """Lexicographic optimum, component by component; returns unit id -> officer index.

    Components share no variable and no constraint (decision 0002), so each component's solves run in a
    forked worker process of its own, at most `solver_processes` at once (0 = one per core), the largest
    first and the next as soon as one finishes. Each solve is deterministic and independent of the others,
    so the answer is the same whatever the number of processes or the order they finish in.
    """
    policy = problem.policy
    limits = _Limits(
        int(policy.get(key("solver_node_limit"))),
        float(policy.get(key("solver_time_limit_seconds"))),
        started,
    )
    components = problem.components()
    base = greedy(problem)
    unit_index = {u.id: n for n, u in enumerate(problem.units)}
    lower = problem.base_max_utilisation
    order = _solve_order(problem, components)
    forked = set(order)
    processes = _processes(policy, len(order))
    report = _Counter(progress, "components solved", 2 * len(order))

    firsts: list[_Early] = [
        _first_stages(problem, comp, base, unit_index, lower, limits) if n not in forked else _NOT_YET
        for n, comp in enumerate(components)
    ]
    early = forked_map(
        lambda n: _first_stages(problem, components[n], base, unit_index, lower, limits),
        [(n,) for n in order],
        processes=processes,
        on_result=report.tick,
    )
    for n, first in zip(order, early, strict=True):
        firsts[n] = first
    # The force-wide level 2 value: every component's stage 3 must keep within it (decision 0002).
    z_star = max([lower, *(f.max_utilisation for f in firsts if f.max_utilisation is not None)])

    lates = [
        _last_stage(problem, comp, firsts[n], unit_index, z_star, limits)
        for n, comp in enumerate(components)
        if n not in forked
    ]
    lates += forked_map(
        lambda n: _last_stage(problem, components[n], firsts[n], unit_index, z_star, limits),
        [(n,) for n in order],
        processes=processes,
        on_result=report.tick,
    )
    assignment: dict[str, int | None] = {u.id: None for u in problem.no_candidate}
    stops: set[Stop] = set()
    stages = sum(f.stages for f in firsts)
    cost = bound = 0.0
    for f in firsts:
        stops |= f.stops
    for res in lates:
        assignment.update(res.assignment)
        cost += res.cost
        bound += res.bound  # -inf when HiGHS proved nothing: the gap then reads as unknown (inf)
        stops |= res.stops
        stages += res.stages
    objective = problem.evaluate(assignment)
    if abs(objective.cost) < TOL:
        gap = 0.0
    else:
        gap = max(0.0, (objective.cost - bound) / abs(objective.cost)) if math.isfinite(bound) else math.inf
    stopped_by, status, deterministic = _stopped(stops)
    basis = [policy.basis(key("solver_mip_rel_gap")), policy.basis(key("solver_node_limit"))]
    if not deterministic:
        basis.append(policy.basis(key("solver_time_limit_seconds")))
    stats = SolveStats(
        method="milp-highs",
        status=status,
        objective=objective.cost,
        dual_bound=bound,
        mip_gap=gap,
        unallocated_weight=objective.unallocated_weight,
        max_utilisation=problem.highest_utilisation(assignment),
        components=len(components),
        stages_solved=stages,
        seconds=time.perf_counter() - started,
        stopped_by=stopped_by,
        deterministic=deterministic,
        basis=tuple(basis),
    )
    return assignment, stats


class _Counter:
    """Counts finished solves for a progress callback (a no-op without one)."""

    def __init__(self, progress: Progress | None, what: str, total: int) -> None:
        self.progress, self.what, self.total, self.done = progress, what, total, 0
        if progress is not None and total:
            progress(what, 0, total)

    def tick(self, *_: object) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.what, self.done, self.total)


def _solve_order(problem: Problem, components: list[list[int]]) -> list[int]:
    """The components that need a MILP (more than one unit), largest first (units x candidates, a rough
    measure of a MILP's work), so the long solves start early and short ones fill in beside them."""
    size = {
        n: sum(len(problem.classes[k].units) * len(problem.classes[k].candidates) for k in comp)
        for n, comp in enumerate(components)
        if sum(len(problem.classes[k].units) for k in comp) > 1
    }
    return sorted(size, key=lambda n: (-size[n], n))


def _processes(policy: Policy, needing: int) -> int:
    """Worker processes for this run: ``solver_processes`` (0 = one per core), at most one per component
    that needs a MILP, and 1 (no fork) when fewer than two do."""
    wanted = int(policy.get(key("solver_processes"))) or os.cpu_count() or 1
    return max(1, min(wanted, needing))


def _first_stages(
    problem: Problem,
    comp: list[int],
    base: Mapping[str, int | None],
    unit_index: Mapping[str, int],
    lower: float,
    limits: _Limits,
) -> _Early:
    """Stage 1 (least unallocated weight) and stage 2 (lowest highest utilisation) of one component, from
    the greedy answer as incumbent where it already meets the bound."""
    units = [u for k in comp for u in problem.classes[k].units]
    stops: set[Stop] = set()
    stages = 0
    if len(units) == 1:
        # One unit: its own best choice against the untouched force is exact for stages 1 and 2.
        unit = unit_index[units[0].id]
        i, _ = choose(problem, unit, [0.0] * len(problem.officers), [0] * len(problem.officers), lower)
        inc: dict[str, int | None] = {units[0].id: i}
    else:
        inc = {u.id: base[u.id] for u in units}
    u_star = sum(u.weight for u in units if inc[u.id] is None)
    if u_star > TOL and len(units) > 1:
        res = solve_component(
            problem,
            comp,
            Stage.LEAST_UNALLOCATED,
            unallocated_limit=0.0,
            max_utilisation=0.0,
            node_limit=limits.nodes,
            time_limit=limits.left(),
        )
        stages += 1
        stops.add(res.stopped_by)
        if res.counts is not None and res.objective < u_star - TOL:
            u_star = res.objective
            inc = _assign(problem, comp, res)
    if _max_util(problem, inc) <= lower + TOL:
        return _Early(inc, u_star, None, frozenset(stops), stages)
    if len(units) > 1:  # one-unit components are already exact
        res = solve_component(
            problem,
            comp,
            Stage.LEAST_MAX_UTILISATION,
            unallocated_limit=u_star,
            max_utilisation=0.0,
            node_limit=limits.nodes,
            time_limit=limits.left(),
        )
        stages += 1
        stops.add(res.stopped_by)
        if res.counts is not None and res.objective < _max_util(problem, inc) - TOL:
            inc = _assign(problem, comp, res)
    return _Early(inc, u_star, _max_util(problem, inc), frozenset(stops), stages)


def _last_stage(
    problem: Problem,
    comp: list[int],
    first: _Early,
    unit_index: Mapping[str, int],
    z_star: float,
    limits: _Limits,
) -> _Late:
    """Stage 3 of one component: least cost within its unallocated weight and the force-wide ``z_star``."""
    units = [u for k in comp for u in problem.classes[k].units]
    if len(units) == 1:
        unit = unit_index[units[0].id]
        i, _ = choose(problem, unit, [0.0] * len(problem.officers), [0] * len(problem.officers), z_star)
        part = problem.evaluate({units[0].id: i}).cost
        return _Late({units[0].id: i}, part, part, frozenset(), 0)
    res = solve_component(
        problem,
        comp,
        Stage.LEAST_COST,
        unallocated_limit=first.unallocated_limit,
        max_utilisation=z_star,
        node_limit=limits.nodes,
        time_limit=limits.left(),
    )
    if res.counts is None:
        # Out of time before any solution: keep the incumbent, which meets both limits.
        cost = problem.evaluate(first.incumbent).cost
        return _Late(dict(first.incumbent), cost, res.dual_bound, frozenset({res.stopped_by}), 1)
    return _Late(_assign(problem, comp, res), res.objective, res.dual_bound, frozenset({res.stopped_by}), 1)


def _stopped(stops: set[Stop]) -> tuple[str, str, bool]:
    """(what stopped the run, its status line, whether the same inputs always give this answer).

    The wall clock outranks the node limit in the report: one solve it cut short makes the whole answer
    depend on the machine, whatever the other solves did.
    """
    if stops & {Stop.TIME_LIMIT, Stop.OTHER}:
        which = Stop.TIME_LIMIT if Stop.TIME_LIMIT in stops else Stop.OTHER
        return which.value, f"{which.value} (wall-clock safety net): best found, not reproducible", False
    if Stop.NODE_LIMIT in stops:
        return Stop.NODE_LIMIT.value, "node limit: best found (deterministic)", True
    return Stop.GAP.value, "optimal", True


def _assign(problem: Problem, comp: list[int], res: StageResult) -> dict[str, int | None]:
    """Interchangeable units of a class go to officers in id order: deterministic whatever the input order."""
    out: dict[str, int | None] = {}
    counts = res.counts or {}
    for k in comp:
        cls = problem.classes[k]
        units = sorted(cls.units, key=lambda u: u.id)
        at = 0
        for i in sorted(cls.candidates):
            for _ in range(counts.get((k, i), 0)):
                out[units[at].id] = i
                at += 1
        for u in units[at:]:
            out[u.id] = None
    return out


def _max_util(problem: Problem, assignment: Mapping[str, int | None]) -> float:
    extra: dict[int, float] = {}
    weights = {u.id: u.weight for u in problem.units}
    for uid, i in assignment.items():
        if i is not None:
            extra[i] = extra.get(i, 0.0) + weights[uid]
    return max(
        (utilisation(problem.officers[i].weighted_load + w, problem.cap_w[i]) for i, w in extra.items()),
        default=0.0,
    )
