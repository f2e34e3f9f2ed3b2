"""The one deterministic, versioned allocation function, in batch and single-crime mode."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence

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


def allocate_batch(
    crimes: Sequence[CrimeToAllocate],
    investigators: Sequence[Investigator],
    supervisors: Sequence[Supervisor] = (),
    *,
    policy: Policy,
) -> AllocationRun:
    """Allocate every crime in ``crimes`` optimally for the batch (see docs/decisions/0002)."""
    started = time.perf_counter()
    problem = Problem.build(crimes, investigators, supervisors, policy=policy)
    assignment, stats = solve(problem, started=started)
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


def solve(problem: Problem, *, started: float) -> tuple[dict[str, int | None], SolveStats]:
    """Lexicographic optimum, component by component; returns unit id -> officer index."""
    policy = problem.policy
    limit = float(policy.get(key("solver_time_limit_seconds")))
    nodes = int(policy.get(key("solver_node_limit")))
    components = problem.components()
    unit_index = {u.id: n for n, u in enumerate(problem.units)}
    base = greedy(problem)
    assignment: dict[str, int | None] = {u.id: None for u in problem.no_candidate}
    stages = 0
    stops: set[Stop] = set()

    def left() -> float:
        """What is left of the whole run's wall-clock budget. It is the safety net, not the work limit: the
        node limit is what keeps one hard component from starving the rest, and it does so the same way on
        every machine. The wall clock only binds on a run that has already overrun (then at least 1 s)."""
        return max(1.0, limit - (time.perf_counter() - started))

    # Stage 1 and 2 per component, using the greedy answer as incumbent where it already meets the bound.
    incumbent: list[dict[str, int | None]] = []
    unalloc_limit: list[float] = []
    lower = problem.base_max_utilisation
    max_needed: list[bool] = []
    for comp in components:
        units = [u for k in comp for u in problem.classes[k].units]
        if len(units) == 1:
            # One unit: its own best choice against the untouched force is exact for stages 1 and 2.
            zeros_w = [0.0] * len(problem.officers)
            zeros_n = [0] * len(problem.officers)
            i, _ = choose(problem, unit_index[units[0].id], zeros_w, zeros_n, lower)
            inc = {units[0].id: i}
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
                node_limit=nodes,
                time_limit=left(),
            )
            stages += 1
            stops.add(res.stopped_by)
            if res.counts is not None and res.objective < u_star - TOL:
                u_star = res.objective
                inc = _assign(problem, comp, res)
        incumbent.append(inc)
        unalloc_limit.append(u_star)
        max_needed.append(_max_util(problem, inc) > lower + TOL)
    z_star = lower
    for n, comp in enumerate(components):
        if max_needed[n]:
            if len(incumbent[n]) > 1:  # one-unit components are already exact
                res = solve_component(
                    problem,
                    comp,
                    Stage.LEAST_MAX_UTILISATION,
                    unallocated_limit=unalloc_limit[n],
                    max_utilisation=0.0,
                    node_limit=nodes,
                    time_limit=left(),
                )
                stages += 1
                stops.add(res.stopped_by)
                if res.counts is not None and res.objective < _max_util(problem, incumbent[n]) - TOL:
                    incumbent[n] = _assign(problem, comp, res)
                z_star = max(z_star, _max_util(problem, incumbent[n]))
            else:
                z_star = max(z_star, _max_util(problem, incumbent[n]))
    # Stage 3: least cost within both limits.
    cost = 0.0
    bound = 0.0
    for n, comp in enumerate(components):
        units = [u for k in comp for u in problem.classes[k].units]
        if len(units) == 1:
            extra_w = [0.0] * len(problem.officers)
            extra_n = [0] * len(problem.officers)
            i, _ = choose(problem, unit_index[units[0].id], extra_w, extra_n, z_star)
            assignment[units[0].id] = i
            part = problem.evaluate({units[0].id: i}).cost
            cost += part
            bound += part
            continue
        res = solve_component(
            problem,
            comp,
            Stage.LEAST_COST,
            unallocated_limit=unalloc_limit[n],
            max_utilisation=z_star,
            node_limit=nodes,
            time_limit=left(),
        )
        stages += 1
        stops.add(res.stopped_by)
        if res.counts is None:
            # Out of time before any solution: keep the incumbent, which meets both limits.
            assignment.update(incumbent[n])
            cost += problem.evaluate(incumbent[n]).cost
        else:
            assignment.update(_assign(problem, comp, res))
            cost += res.objective
        bound += res.dual_bound  # -inf when HiGHS proved nothing: the gap then reads as unknown (inf)
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
