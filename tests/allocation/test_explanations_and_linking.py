"""Explanations, the supervisor queue's reasons, linked crimes and preferences."""

from __future__ import annotations

from custos.allocation.engine import (
    PIP,
    SPECIALISM,
    Supervisor,
    allocate_batch,
    allocate_single,
)
from custos.allocation.engine.explain import HIGHER_COST

from .helpers import crime, officer, policy


def test_the_queue_reason_names_what_was_missing_and_where() -> None:
    run = allocate_batch(
        [crime(tier="T2", borough="B7")],
        [
            officer("A", borough="B7", pip=1),
            officer("B", borough="B7", pip=2, open_crimes=25),
            officer("C", borough="B7", pip=2, available=False),
            officer("D", borough="B1", pip=2),
        ],
        policy=policy(),
    )
    (queued,) = run.unallocated
    assert queued.reason == (
        "no PIP2 (not a probationer) with capacity in borough B7 (3 investigators considered: "
        "1 unavailable; 1 PIP level too low; 1 at caseload cap)"
    )
    assert queued.failures == {"unavailable": 1, PIP: 1, "caseload_cap": 1}


def test_the_queue_reason_names_a_missing_specialism() -> None:
    run = allocate_single(crime(tier="T2", specialism="RASSO"), [officer(pip=2)], policy=policy())
    assert run.unallocated[0].reason.startswith("no PIP2 RASSO specialist (not a probationer) with capacity")
    assert run.unallocated[0].failures == {SPECIALISM: 1}


def test_an_allocation_says_why_this_officer_and_why_not_the_next_best() -> None:
    busy = officer("BUSY", open_crimes=20, weighted_load=20.0)
    idle = officer("IDLE", open_crimes=2, weighted_load=2.0)
    untrained = officer("PC", open_crimes=0, weighted_load=0.0, available=False)
    run = allocate_single(crime(), [busy, idle, untrained], policy=policy())
    (a,) = run.allocations
    assert a.officer == "IDLE"
    assert (a.load_before, a.load_after, a.cap) == (2.0, 3.0, 40.0)
    assert "PIP1 meets required PIP1" in a.reasons
    assert "same team (A)" in a.reasons
    assert a.score["balance"] == 1.5  # one unit in utilisation band 2 (2.0/40 = 5%, bands of 2.5%)
    assert [(x.officer, x.ruled_out_by) for x in a.alternatives] == [
        ("BUSY", HIGHER_COST),
        ("PC", "unavailable"),
    ]
    assert a.binding == ()


def test_the_contract_fields_are_all_present() -> None:
    body = allocate_single(crime(), [officer()], policy=policy()).to_json_dict()
    assert set(body) >= {"policy_version", "allocations", "unallocated"}
    assert set(body["allocations"][0]) >= {
        "crime",
        "officer",
        "required_pip",
        "officer_pip",
        "specialism",
        "officer_specialisms",
        "load_before",
        "load_after",
        "cap",
        "reasons",
    }


def test_linked_crimes_in_a_batch_stay_together() -> None:
    crimes = [crime(f"CR{n}", linked_series="S1") for n in range(3)] + [crime("CR9")]
    run = allocate_batch(crimes, [officer("A"), officer("B")], policy=policy())
    owners = run.officer_of()
    assert owners["CR0"] == owners["CR1"] == owners["CR2"]
    assert owners["CR9"] != owners["CR0"]  # balance puts the fourth crime with the other officer
    assert any(r.startswith("kept with linked crimes CR0, CR1, CR2") for r in run.allocations[0].reasons)


def test_same_suspect_links_crimes_like_a_series() -> None:
    crimes = [crime("CR1", suspect_ids=frozenset({"P1"})), crime("CR2", suspect_ids=frozenset({"P1"}))]
    run = allocate_batch(crimes, [officer("A"), officer("B")], policy=policy())
    assert len(set(run.officer_of().values())) == 1


def test_the_officer_already_holding_the_series_is_preferred() -> None:
    holder = officer("HOLDER", open_crimes=8, weighted_load=8.0, linked_series=frozenset({"S1"}))
    run = allocate_single(crime(linked_series="S1"), [officer("FREE"), holder], policy=policy())
    assert run.officer_of() == {"CR1": "HOLDER"}
    assert "already holds the linked series or suspect" in run.allocations[0].reasons


def test_a_linked_group_no_one_can_take_whole_is_split_and_says_so() -> None:
    crimes = [
        crime("CR1", linked_series="S1"),
        crime("CR2", tier="T2", specialism="RASSO", linked_series="S1"),
    ]
    run = allocate_batch(crimes, [officer("A", pip=1), officer("B", pip=2)], policy=policy())
    assert run.officer_of() == {"CR1": "A"}
    assert any("split" in r for r in run.allocations[0].reasons)
    assert run.unallocated[0].crime == "CR2"


def test_own_team_is_preferred_when_loads_are_equal() -> None:
    run = allocate_single(
        crime(team="B"), [officer("A1", team="A"), officer("B1", team="B")], policy=policy()
    )
    assert run.officer_of() == {"CR1": "B1"}


def test_supervisor_over_span_of_control_costs_more() -> None:
    supervisors = [Supervisor("WIDE", 12), Supervisor("NARROW", 6)]
    run = allocate_single(
        crime(),
        [officer("A", supervisor_id="WIDE"), officer("B", supervisor_id="NARROW")],
        supervisors,
        policy=policy(),
    )
    assert run.officer_of() == {"CR1": "B"}


def test_batch_balances_load_across_officers() -> None:
    crimes = [crime(f"CR{n}") for n in range(6)]
    run = allocate_batch(crimes, [officer("A"), officer("B"), officer("C")], policy=policy())
    counts = sorted(list(run.officer_of().values()).count(o) for o in "ABC")
    assert counts == [2, 2, 2]
