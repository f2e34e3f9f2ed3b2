"""Workload measures, supervisor overrides and what-if simulation."""

from __future__ import annotations

import pytest

from custos.allocation.engine import (
    PIP,
    RAG,
    BalanceCurve,
    OpenCase,
    Supervisor,
    allocate_batch,
    caseload_cap,
    crime_weight,
    over_red_flag,
    rag_status,
    simulate,
    validate_override,
    weighted_cap,
    weighted_load,
)
from custos.allocation.engine.overrides import (
    OVERRIDE_NEEDS_RATIONALE,
    OVERRIDE_NEEDS_SUPERVISOR,
    OVERRIDE_SELF,
    OVERRIDE_UNKNOWN_SUPERVISOR,
)

from .helpers import crime, officer, policy


@pytest.mark.parametrize(
    ("tier", "enhanced", "lines", "weight"),
    [
        ("T1", False, 0, 1.0),
        ("T2", False, 5, 3.0),  # 5 lines is not "> 5"
        ("T2", False, 6, 3.75),
        ("T2", True, 6, 5.625),
        ("T3", True, 0, 12.0),
        ("T4", False, 0, 12.0),
    ],
)
def test_crime_weight_is_tier_times_victim_times_lines(
    tier: str, enhanced: bool, lines: int, weight: float
) -> None:
    assert crime_weight(tier, enhanced, lines, policy=policy()) == weight


def test_weighted_load_sums_open_cases() -> None:
    cases = [OpenCase("T1"), OpenCase("T2", enhanced_victim=True), OpenCase("T3", open_lines_of_enquiry=9)]
    assert weighted_load(cases, policy=policy()) == 1 + 4.5 + 10


@pytest.mark.parametrize(
    ("open_crimes", "probationer", "rag"),
    [
        (15, False, RAG.GREEN),
        (16, False, RAG.AMBER),
        (25, False, RAG.AMBER),
        (26, False, RAG.RED),
        (8, True, RAG.GREEN),
        (9, True, RAG.AMBER),
        (13, True, RAG.RED),
    ],
)
def test_rag_thresholds(open_crimes: int, probationer: bool, rag: RAG) -> None:
    assert rag_status(open_crimes, probationer, policy=policy()) is rag


def test_over_25_flag_applies_to_everyone() -> None:
    assert not over_red_flag(25, policy=policy())
    assert over_red_flag(26, policy=policy())


def test_caps_scale_with_part_time_hours_and_vanish_on_leave() -> None:
    pol = policy()
    assert (caseload_cap(officer(), policy=pol), weighted_cap(officer(), policy=pol)) == (25, 40.0)
    assert (
        caseload_cap(officer(availability=0.6), policy=pol),
        weighted_cap(officer(availability=0.6), policy=pol),
    ) == (
        15,
        24.0,
    )
    assert caseload_cap(officer(probationer=True, availability=0.5), policy=pol) == 6
    assert caseload_cap(officer(available=False), policy=pol) == 0


def test_balance_cost_is_convex() -> None:
    curve = BalanceCurve.from_policy(policy())
    marginals = [curve.marginal(load, 1.0, 40.0) for load in range(40)]
    assert marginals == sorted(marginals)
    assert marginals[0] == 1.0
    assert marginals[-1] == 1.0 + 0.25 * 39


@pytest.mark.parametrize(
    ("supervisor_id", "rationale", "errors"),
    [
        ("", "reason", [OVERRIDE_NEEDS_SUPERVISOR]),
        ("DS-9", "reason", [OVERRIDE_UNKNOWN_SUPERVISOR]),
        ("DS-1", "   ", [OVERRIDE_NEEDS_RATIONALE]),
        ("OFF1", "reason", [OVERRIDE_SELF]),
        ("DS-1", "Only PIP2 free with local knowledge", []),
    ],
)
def test_an_override_needs_a_named_supervisor_and_a_rationale(
    supervisor_id: str, rationale: str, errors: list[str]
) -> None:
    decision = validate_override(
        crime(tier="T2"),
        officer(pip=1),
        supervisor_id=supervisor_id,
        rationale=rationale,
        supervisors=[Supervisor("DS-1", 7), Supervisor("OFF1", 3)],
        policy=policy(),
    )
    assert list(decision.errors) == errors
    assert decision.valid is (not errors)
    assert [f.code for f in decision.breaks] == [PIP]


def test_what_if_reports_unallocated_and_load_distribution_without_changing_inputs() -> None:
    crimes = [crime(f"CR{n}") for n in range(4)]
    officers = [
        officer("A", open_crimes=20, weighted_load=20.0),
        officer("B", open_crimes=23, weighted_load=23.0),
    ]
    before = (list(crimes), list(officers))
    today = simulate(crimes, officers, policy=policy())
    tighter = simulate(crimes, officers, policy=policy(), overrides={"allocation.caseload_red": 21})
    assert (today.unallocated, tighter.unallocated) == (0, 3)
    assert tighter.policy_version.endswith("+whatif")
    assert today.load.max == 24.0
    assert today.load.over_amber == 2
    assert (tighter.load.over_red, tighter.load.over_amber) == (1, 1)  # B above the simulated red line of 21
    assert (list(crimes), list(officers)) == before
    assert allocate_batch(crimes, officers, policy=policy()).policy_version == policy().version
