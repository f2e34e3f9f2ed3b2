"""Components are solved in forked worker processes: the answer never depends on how many, or on which
process a component lands in."""

from __future__ import annotations

import random
from typing import Any

import pytest

from custos.allocation.engine import CrimeToAllocate, Investigator, allocate_batch
from custos.allocation.engine.batch import _processes, _solve_order
from custos.allocation.engine.problem import Problem

from .helpers import crime, officer, policy


def _force(seed: int, boroughs: int = 4) -> tuple[list[CrimeToAllocate], list[Investigator]]:
    """Loaded boroughs of mixed PIP and hours; borough scope makes each borough its own component."""
    rng = random.Random(seed)
    officers = [
        officer(
            f"OFF{b}{n:02d}",
            borough=f"B{b}",
            team=rng.choice("AB"),
            pip=rng.choice([1, 1, 2, 2, 3]),
            availability=rng.choice([1.0, 1.0, 0.6]),
            open_crimes=rng.randint(0, 14),
            weighted_load=rng.randint(0, 200) / 8,  # real loads are sums of crime weights: multiples of 1/8
        )
        for b in range(boroughs)
        for n in range(10)
    ]
    crimes = [
        crime(
            f"CR{b}{n:03d}",
            borough=f"B{b}",
            team=rng.choice("AB"),
            tier=rng.choice(["T1", "T1", "T2", "T2", "T3"]),
            enhanced_victim=rng.random() < 0.3,
            open_lines_of_enquiry=rng.randint(1, 8),
        )
        for b in range(boroughs)
        for n in range(25)
    ]
    return crimes, officers


@pytest.mark.parametrize("seed", [1, 2])
def test_one_two_or_three_processes_give_the_same_allocation(seed: int) -> None:
    crimes, officers = _force(seed)
    runs = [allocate_batch(crimes, officers, policy=policy(solver_processes=n)) for n in (1, 2, 3)]

    assert all(r.stats is not None and r.stats.stopped_by == "gap" for r in runs)
    assert runs[0].to_json_dict() == runs[1].to_json_dict() == runs[2].to_json_dict()
    assert runs[0].stats is not None and runs[1].stats is not None
    assert runs[0].stats.components == 4
    assert runs[0].stats.objective == pytest.approx(runs[1].stats.objective, abs=1e-9)
    assert runs[0].stats.stages_solved == runs[1].stats.stages_solved > 0


def test_components_are_solved_largest_first_and_only_those_needing_a_milp() -> None:
    crimes, officers = _force(3)
    problem = Problem.build(crimes, officers, [], policy=policy())
    components = problem.components()
    size = {
        n: sum(len(problem.classes[k].units) * len(problem.classes[k].candidates) for k in comp)
        for n, comp in enumerate(components)
    }

    order = _solve_order(problem, components)

    assert sorted(order) == list(range(len(components)))  # four loaded boroughs: all need a MILP
    assert [size[n] for n in order] == sorted(size.values(), reverse=True)
    lone = Problem.build(crimes[:1], officers, [], policy=policy())
    assert _solve_order(lone, lone.components()) == []  # one unit: exact without a MILP


def test_the_process_count_follows_policy_and_never_exceeds_the_components_needing_a_solve() -> None:
    assert _processes(policy(solver_processes=1), 4) == 1
    assert _processes(policy(solver_processes=8), 2) == 2
    assert _processes(policy(solver_processes=8), 0) == 1


def test_progress_hears_of_every_components_two_solves_in_any_number_of_processes() -> None:
    crimes, officers = _force(5)
    for n in (1, 2):
        heard: list[tuple[str, int, int]] = []
        allocate_batch(crimes, officers, policy=policy(solver_processes=n), progress=heard_by(heard))
        assert heard[0] == ("components solved", 0, 8)
        assert [done for _, done, _ in heard] == list(range(9))


def heard_by(heard: list[tuple[str, int, int]]) -> Any:
    return lambda *a: heard.append(a)
