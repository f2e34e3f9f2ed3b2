"""Properties of the batch on random small forces: lawful, optimal, no worse than greedy, deterministic."""

from __future__ import annotations

import itertools
import os
import random
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custos.allocation.engine import (
    Allocation,
    AllocationRun,
    CrimeToAllocate,
    Investigator,
    Supervisor,
    Unallocated,
    allocate_batch,
    allocate_greedy,
    allocate_single,
)
from custos.allocation.engine.problem import Objective, Problem
from custos.allocation.engine.verify import violations

from .helpers import policy

POLICY = policy()
# ALLOC_EXAMPLES=400 for a deeper local search; the default keeps the folder under a minute.
SETTINGS = settings(
    max_examples=int(os.environ.get("ALLOC_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def officers(draw: st.DrawFn, n_max: int = 3) -> list[Investigator]:
    out = []
    for n in range(draw(st.integers(1, n_max))):
        probationer = draw(st.booleans())
        out.append(
            Investigator(
                id=f"OFF{n}",
                borough=draw(st.sampled_from(["B1", "B1", "B2"])),
                team=draw(st.sampled_from("AB")),
                pip=1 if probationer else draw(st.integers(1, 3)),
                supervisor_id=draw(st.sampled_from(["S1", "S2"])),
                specialisms=frozenset(draw(st.sets(st.sampled_from(["RASSO", "OCSAE"]), max_size=1))),
                probationer=probationer,
                available=draw(st.integers(0, 9)) > 0,
                availability=draw(st.sampled_from([1.0, 1.0, 0.5, 0.6])),
                open_crimes=draw(st.integers(0, 26)),
                weighted_load=float(draw(st.integers(0, 42))),
                linked_series=frozenset(draw(st.sets(st.sampled_from(["S-A"]), max_size=1))),
            )
        )
    return out


@st.composite
def crimes(draw: st.DrawFn, n_max: int = 4, links: bool = True) -> list[CrimeToAllocate]:
    out = []
    for n in range(draw(st.integers(1, n_max))):
        tier = draw(st.sampled_from(["T1", "T1", "T2", "T3"]))
        out.append(
            CrimeToAllocate(
                id=f"CR{n}",
                borough=draw(st.sampled_from(["B1", "B1", "B2"])),
                team=draw(st.sampled_from("AB")),
                tier=tier,
                required_pip=int(tier[1]),
                specialism=draw(st.sampled_from([None, None, "RASSO"])) if tier == "T2" else None,
                enhanced_victim=draw(st.booleans()),
                open_lines_of_enquiry=draw(st.integers(0, 7)),
                linked_series=draw(st.sampled_from([None, None, "S-A", "S-B"])) if links else None,
                conflicts=frozenset(draw(st.sets(st.sampled_from(["OFF0", "OFF1"]), max_size=1))),
            )
        )
    return out


SUPERVISORS = [Supervisor("S1", 6), Supervisor("S2", 10)]


@given(crimes(n_max=6), officers(n_max=4))
@SETTINGS
def test_every_allocation_satisfies_every_hard_constraint(
    cs: list[CrimeToAllocate], os: list[Investigator]
) -> None:
    run = allocate_batch(cs, os, SUPERVISORS, policy=POLICY)
    assert violations(run, cs, os, policy=POLICY) == []
    single = allocate_single(cs[0], os, SUPERVISORS, policy=POLICY)
    assert violations(single, cs[:1], os, policy=POLICY) == []


def _brute_force(cs: Sequence[CrimeToAllocate], os: Sequence[Investigator]) -> Objective:
    """Every lawful assignment of the engine's units, judged lawful by the independent checker."""
    problem = Problem.build(cs, os, SUPERVISORS, policy=POLICY)
    best: Objective | None = None
    choices: list[int | None] = [None, *range(len(problem.officers))]
    for combo in itertools.product(choices, repeat=len(problem.units)):
        allocations, queued = [], []
        for unit, i in zip(problem.units, combo, strict=True):
            for c in unit.crimes:
                if i is None:
                    queued.append(Unallocated(c.id, ""))
                else:
                    allocations.append(
                        Allocation(c.id, problem.officers[i].id, 0, 0, None, (), 0.0, 0.0, 0.0, ())
                    )
        if violations(AllocationRun("v", "e", tuple(allocations), tuple(queued)), cs, os, policy=POLICY):
            continue
        objective = problem.evaluate({u.id: i for u, i in zip(problem.units, combo, strict=True)})
        if best is None or objective.better_than(best):
            best = objective
    assert best is not None
    return best


@given(crimes(n_max=4), officers(n_max=3))
@SETTINGS
def test_batch_objective_equals_the_brute_force_optimum(
    cs: list[CrimeToAllocate], os: list[Investigator]
) -> None:
    run = allocate_batch(cs, os, SUPERVISORS, policy=POLICY)
    assert run.stats is not None
    floor = float(POLICY.get("allocation.max_utilisation_floor"))
    got = Objective(run.stats.unallocated_weight, max(floor, run.stats.max_utilisation), run.stats.objective)
    best = _brute_force(cs, os)
    assert not best.better_than(got, tol=1e-4), (got, best, cs, os)
    assert not got.better_than(best, tol=1e-6), (got, best)


@given(crimes(n_max=6), officers(n_max=4))
@SETTINGS
def test_never_worse_than_the_greedy_baseline(cs: list[CrimeToAllocate], os: list[Investigator]) -> None:
    batch = allocate_batch(cs, os, SUPERVISORS, policy=POLICY)
    greedy = allocate_greedy(cs, os, SUPERVISORS, policy=POLICY)
    assert batch.stats is not None and greedy.stats is not None
    assert batch.stats.unallocated_weight <= greedy.stats.unallocated_weight + 1e-9
    floor = float(POLICY.get("allocation.max_utilisation_floor"))
    batch_max, greedy_max = max(floor, batch.stats.max_utilisation), max(floor, greedy.stats.max_utilisation)
    if abs(batch.stats.unallocated_weight - greedy.stats.unallocated_weight) < 1e-9:
        assert batch_max <= greedy_max + 1e-9
        if abs(batch_max - greedy_max) < 1e-9:
            gap = float(POLICY.get("allocation.solver_mip_rel_gap"))
            assert batch.stats.objective <= greedy.stats.objective + gap * max(1.0, greedy.stats.objective)


@given(crimes(n_max=6), officers(n_max=4), st.integers(0, 2**32 - 1))
@SETTINGS
def test_identical_output_for_identical_data_in_any_order(
    cs: list[CrimeToAllocate], os: list[Investigator], seed: int
) -> None:
    first = allocate_batch(cs, os, SUPERVISORS, policy=POLICY).to_json_dict()
    assert allocate_batch(cs, os, SUPERVISORS, policy=POLICY).to_json_dict() == first
    rng = random.Random(seed)
    shuffled_cs, shuffled_os, shuffled_sup = list(cs), list(os), list(SUPERVISORS)
    rng.shuffle(shuffled_cs)
    rng.shuffle(shuffled_os)
    rng.shuffle(shuffled_sup)
    assert allocate_batch(shuffled_cs, shuffled_os, shuffled_sup, policy=POLICY).to_json_dict() == first


@given(crimes(n_max=1), officers(n_max=4))
@SETTINGS
def test_single_and_batch_agree_on_one_crime(cs: list[CrimeToAllocate], os: list[Investigator]) -> None:
    single = allocate_single(cs[0], os, SUPERVISORS, policy=POLICY)
    batch = allocate_batch(cs, os, SUPERVISORS, policy=POLICY)
    assert single.to_json_dict() == batch.to_json_dict()
