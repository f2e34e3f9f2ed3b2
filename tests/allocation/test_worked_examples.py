"""Reference investigation-and-victims §8, worked examples 7 and 8."""

from __future__ import annotations

from custos.allocation.engine import (
    CASELOAD_CAP,
    PIP,
    PROBATIONER_TIER,
    RAG,
    Supervisor,
    allocate_single,
    check_allocation,
    over_red_flag,
    rag_status,
    validate_override,
)

from .helpers import crime, officer, policy

# Example 7: a commercial robbery with 4 lines of enquiry. Tiering (another module) gives T2 / PIP2.
COMMERCIAL_ROBBERY = crime("CR7", tier="T2", required_pip=2, open_lines_of_enquiry=4)
PIP1_PROBATIONER = officer("PC-NEW", pip=1, probationer=True)


def test_example_7_commercial_robbery_to_a_pip1_probationer_is_rejected_with_both_reasons() -> None:
    check = check_allocation(COMMERCIAL_ROBBERY, PIP1_PROBATIONER, policy=policy())
    assert not check.allowed
    assert [f.code for f in check.failures] == [PIP, PROBATIONER_TIER]
    assert "PIP1, PIP2 required" in check.reasons[0]
    assert "probationer" in check.reasons[1]


def test_example_7_the_engine_never_gives_it_to_the_probationer_even_when_alone() -> None:
    run = allocate_single(COMMERCIAL_ROBBERY, [PIP1_PROBATIONER], policy=policy())
    assert run.allocations == ()
    (queued,) = run.unallocated
    assert queued.reason.startswith("no PIP2 (not a probationer) with capacity in borough B1")
    assert queued.failures == {PIP: 1}


def test_example_7_a_qualified_detective_gets_it_instead() -> None:
    detective = officer("DC-1", pip=2, open_crimes=10, weighted_load=20.0)
    run = allocate_single(COMMERCIAL_ROBBERY, [PIP1_PROBATIONER, detective], policy=policy())
    assert run.officer_of() == {"CR7": "DC-1"}
    assert any(a.officer == "PC-NEW" and a.ruled_out_by == PIP for a in run.allocations[0].alternatives)


# Example 8: an investigator with 26 open crimes.
OVERLOADED = officer("DC-26", pip=2, open_crimes=26, weighted_load=30.0)


def test_example_8_twenty_six_open_crimes_is_red_and_flagged() -> None:
    assert rag_status(26, probationer=False, policy=policy()) is RAG.RED
    assert over_red_flag(26, policy=policy())


def test_example_8_new_allocation_is_blocked_without_an_override() -> None:
    new_crime = crime("CR8")
    check = check_allocation(new_crime, OVERLOADED, policy=policy())
    assert not check.allowed
    assert [f.code for f in check.failures] == [CASELOAD_CAP]
    run = allocate_single(new_crime, [OVERLOADED], policy=policy())
    assert run.allocations == ()
    assert run.unallocated[0].failures == {CASELOAD_CAP: 1}


def test_example_8_a_supervisor_override_records_the_broken_cap() -> None:
    decision = validate_override(
        crime("CR8"),
        OVERLOADED,
        supervisor_id="DS-1",
        rationale="Linked to his series",
        supervisors=[Supervisor("DS-1", 6)],
        policy=policy(),
    )
    assert decision.valid
    assert [f.code for f in decision.breaks] == [CASELOAD_CAP]
