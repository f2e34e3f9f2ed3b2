"""The batch stops on a deterministic work limit (HiGHS nodes); the wall clock is a reported safety net."""

from __future__ import annotations

import random
from typing import Any

import pytest

from custos.allocation.engine import CrimeToAllocate, Investigator, allocate_batch
from custos.allocation.engine.batch import _stopped
from custos.allocation.engine.milp import Stop, stop_of
from custos.allocation.models import AllocationRun
from custos.allocation.services import allocation_run
from tests.crimes.factories import Unit

from .helpers import crime, officer, policy, work_the_queue


def _borough(seed: int) -> tuple[list[CrimeToAllocate], list[Investigator]]:
    """A tight borough: loaded officers of mixed PIP and hours, crimes of every tier, some enhanced."""
    rng = random.Random(seed)
    officers = [
        officer(
            f"OFF{n:02d}",
            team=rng.choice("AB"),
            pip=rng.choice([1, 1, 2, 2, 3]),
            availability=rng.choice([1.0, 1.0, 0.6]),
            open_crimes=rng.randint(0, 14),
            weighted_load=float(rng.randint(0, 26)),
        )
        for n in range(24)
    ]
    crimes = [
        crime(
            f"CR{n:03d}",
            team=rng.choice("AB"),
            tier=rng.choice(["T1", "T1", "T2", "T2", "T3"]),
            enhanced_victim=rng.random() < 0.3,
            open_lines_of_enquiry=rng.randint(1, 8),
        )
        for n in range(70)
    ]
    return crimes, officers


def test_two_runs_cut_short_by_a_tiny_node_limit_give_the_same_allocation() -> None:
    # No gap tolerance and one node: the solves end on the node limit, not on a proof.
    pol = policy(solver_node_limit=1, solver_mip_rel_gap=0.0)
    crimes, officers = _borough(20261125)

    first = allocate_batch(crimes, officers, policy=pol)
    second = allocate_batch(list(reversed(crimes)), list(reversed(officers)), policy=pol)

    assert first.stats is not None and second.stats is not None
    assert first.stats.stopped_by == "node limit"
    assert first.stats.status == "node limit: best found (deterministic)"
    assert first.stats.deterministic
    assert first.to_json_dict() == second.to_json_dict()
    assert first.stats.objective == second.stats.objective
    assert first.stats.mip_gap == second.stats.mip_gap
    assert any("allocation.solver_node_limit" in b for b in first.stats.basis)
    assert not any("solver_time_limit_seconds" in b for b in first.stats.basis)


def test_a_run_that_proves_its_gap_says_it_stopped_on_the_gap() -> None:
    run = allocate_batch([crime("CR1"), crime("CR2")], [officer("OFF1"), officer("OFF2")], policy=policy())

    assert run.stats is not None
    assert (run.stats.stopped_by, run.stats.status, run.stats.deterministic) == ("gap", "optimal", True)


@pytest.mark.parametrize(
    ("success", "message", "stop"),
    [
        (True, "Optimization terminated successfully. (HiGHS Status 7: Optimal)", Stop.GAP),
        (False, "Time limit reached. (HiGHS Status 13: model_status is Time limit reached)", Stop.TIME_LIMIT),
        (
            False,
            "Not recognized. (HiGHS Status 16: Solution limit reached)",
            Stop.NODE_LIMIT,
        ),
        (False, "Iteration limit reached. (HiGHS Status 14: ...)", Stop.NODE_LIMIT),
        (False, "Something else", Stop.OTHER),
    ],
)
def test_highs_endings_map_to_what_stopped_the_solve(success: bool, message: str, stop: Stop) -> None:
    assert stop_of(success, message) is stop


@pytest.mark.parametrize(
    ("stops", "stopped_by", "deterministic"),
    [
        (set(), "gap", True),
        ({Stop.GAP}, "gap", True),
        ({Stop.GAP, Stop.NODE_LIMIT}, "node limit", True),
        ({Stop.NODE_LIMIT, Stop.TIME_LIMIT}, "time limit", False),
        ({Stop.OTHER}, "solver status", False),
    ],
)
def test_the_wall_clock_outranks_the_node_limit_in_the_report(
    stops: set[Stop], stopped_by: str, deterministic: bool
) -> None:
    which, status, reproducible = _stopped(stops)
    assert (which, reproducible) == (stopped_by, deterministic)
    assert ("not reproducible" in status) is (not deterministic)


def test_the_run_record_and_page_say_what_stopped_the_solver_and_the_proven_gap(
    make_person: Any, make_user: Any, client_for: Any
) -> None:
    unit = Unit(make_person, make_user)
    for _ in range(3):
        unit.crime(offence="theft-other")

    result = allocation_run(actor=unit.supervisor, borough=unit.borough)

    assert result.run_id is not None
    stats = AllocationRun.objects.get(pk=result.run_id).stats
    assert stats["stopped_by"] in {"gap", "node limit"} and stats["deterministic"] is True
    assert stats["mip_gap"] is not None and stats["mip_gap"] >= 0
    assert any("allocation.solver_node_limit" in b for b in stats["basis"])
    client = client_for(unit.supervisor)
    queued = client.post("/allocation/run/", {"borough": unit.borough.code, "dry_run": "on"})
    work_the_queue()
    page = client.get(queued["Location"])
    assert b'data-testid="run-solver"' in page.content and b"solver_node_limit" in page.content
