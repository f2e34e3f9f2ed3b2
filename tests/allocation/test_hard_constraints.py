"""Each hard constraint, one row each: the engine never breaks it, and says which one stopped it."""

from __future__ import annotations

import pytest

from custos.allocation.engine import (
    CASELOAD_CAP,
    CONFLICT,
    OUT_OF_SCOPE,
    PIP,
    PROBATIONER_TIER,
    SPECIALISM,
    UNAVAILABLE,
    WEIGHTED_CAP,
    AllocationRun,
    CrimeToAllocate,
    Investigator,
    allocate_batch,
    allocate_single,
    check_allocation,
)
from custos.allocation.engine.verify import violations

from .helpers import crime, officer, policy

CASES = [
    # (name, crime, the only officer, constraint that must stop it)
    ("pip", crime(tier="T2"), officer(pip=1), PIP),
    (
        "specialism",
        crime(tier="T2", specialism="RASSO"),
        officer(pip=2, specialisms=frozenset({"OCSAE"})),
        SPECIALISM,
    ),
    ("probationer tier", crime(tier="T2"), officer(pip=2, probationer=True), PROBATIONER_TIER),
    ("on leave", crime(), officer(available=False), UNAVAILABLE),
    ("no hours", crime(), officer(availability=0.0), UNAVAILABLE),
    ("conflict", crime(conflicts=frozenset({"OFF1"})), officer(), CONFLICT),
    ("caseload red", crime(), officer(open_crimes=25), CASELOAD_CAP),
    ("probationer red", crime(), officer(probationer=True, open_crimes=12), CASELOAD_CAP),
    ("part-time caseload", crime(), officer(availability=0.5, open_crimes=12), CASELOAD_CAP),
    ("weighted cap", crime(tier="T2"), officer(pip=2, weighted_load=38.0), WEIGHTED_CAP),
    ("part-time weighted cap", crime(), officer(availability=0.5, weighted_load=19.5), WEIGHTED_CAP),
]


@pytest.mark.parametrize(("name", "the_crime", "the_officer", "code"), CASES, ids=[c[0] for c in CASES])
def test_a_hard_constraint_is_never_broken(
    name: str, the_crime: CrimeToAllocate, the_officer: Investigator, code: str
) -> None:
    pol = policy()
    check = check_allocation(the_crime, the_officer, policy=pol)
    assert code in [f.code for f in check.failures]
    for run in (
        allocate_single(the_crime, [the_officer], policy=pol),
        allocate_batch([the_crime], [the_officer], policy=pol),
    ):
        assert run.allocations == ()
        assert run.unallocated[0].failures.get(code) == 1


@pytest.mark.parametrize(("name", "the_crime", "the_officer", "code"), CASES, ids=[c[0] for c in CASES])
def test_a_qualified_colleague_takes_the_crime_instead(
    name: str, the_crime: CrimeToAllocate, the_officer: Investigator, code: str
) -> None:
    qualified = officer(
        "OFF9",
        borough=the_crime.borough,
        pip=3,
        specialisms=frozenset({"RASSO"}),
        open_crimes=20,
        weighted_load=30.0,
    )
    run = allocate_batch([the_crime], [the_officer, qualified], policy=policy())
    assert run.officer_of() == {the_crime.id: "OFF9"}
    assert any(
        a.officer == the_officer.id and a.ruled_out_by == code for a in run.allocations[0].alternatives
    )


def test_at_exactly_the_cap_is_allowed_and_reported_binding() -> None:
    run = allocate_single(crime(), [officer(open_crimes=24)], policy=policy())
    assert run.officer_of() == {"CR1": "OFF1"}
    assert any(b.startswith("caseload_cap") for b in run.allocations[0].binding)


def test_caps_hold_across_a_batch_not_just_per_crime() -> None:
    crimes = [crime(f"CR{n}") for n in range(5)]
    run = allocate_batch(crimes, [officer(open_crimes=22)], policy=policy())
    assert len(run.allocations) == 3
    assert len(run.unallocated) == 2
    assert all("filled by this batch" in u.reason for u in run.unallocated)


def test_probationer_may_take_volume_crime() -> None:
    run = allocate_single(crime(), [officer(probationer=True)], policy=policy())
    assert run.officer_of() == {"CR1": "OFF1"}


def test_borough_scope_keeps_a_crime_in_its_borough() -> None:
    the_crime = crime(borough="B2")
    the_officer = officer(borough="B1")
    assert [f.code for f in check_allocation(the_crime, the_officer, policy=policy()).failures] == [
        OUT_OF_SCOPE
    ]
    run = allocate_batch([the_crime], [the_officer], policy=policy())
    assert run.allocations == ()
    assert run.unallocated[0].reason == "no PIP1 with capacity in borough B2 (0 investigators considered)"


def test_force_scope_lets_another_borough_help_at_a_cost() -> None:
    pol = policy(scope="force")
    run = allocate_single(crime(borough="B2"), [officer(borough="B1")], policy=pol)
    assert run.officer_of() == {"CR1": "OFF1"}
    assert run.allocations[0].score["other_borough"] == 2.0


# The independent checker must itself catch each breach, or the property tests prove nothing.
BREACHES = [
    ("pip", crime(tier="T2"), officer(pip=1)),
    ("specialism", crime(tier="T2", specialism="RASSO"), officer(pip=2)),
    ("probationer", crime(tier="T2"), officer(pip=2, probationer=True)),
    ("unavailable", crime(), officer(available=False)),
    ("conflict", crime(conflicts=frozenset({"OFF1"})), officer()),
    ("caseload", crime(), officer(open_crimes=25)),
    ("weighted", crime(tier="T3"), officer(pip=3, weighted_load=33.0)),
    ("borough", crime(borough="B2"), officer()),
]


@pytest.mark.parametrize(("name", "the_crime", "the_officer"), BREACHES, ids=[b[0] for b in BREACHES])
def test_the_independent_checker_catches_a_forced_breach(
    name: str, the_crime: CrimeToAllocate, the_officer: Investigator
) -> None:
    from custos.allocation.engine import Allocation

    forced = AllocationRun(
        "v",
        "e",
        (
            Allocation(
                the_crime.id,
                the_officer.id,
                the_crime.required_pip,
                the_officer.pip,
                the_crime.specialism,
                (),
                0.0,
                0.0,
                0.0,
                (),
            ),
        ),
        (),
    )
    assert violations(forced, [the_crime], [the_officer], policy=policy())
