"""Demo conflicts of interest: deterministic, a few per borough, and the engine steps over them."""

from __future__ import annotations

from typing import Any

from custos.allocation.demo import seed_part
from custos.allocation.models import ConflictKind, ConflictOfInterest
from custos.allocation.services import allocation_run
from tests.crimes.factories import Unit


def _seeded() -> list[tuple[Any, ...]]:
    return sorted(ConflictOfInterest.objects.values_list("officer_id", "kind", "crime_id", "person_name"))


def test_demo_conflicts_are_deterministic_and_respected_by_the_engine(
    make_person: Any, make_user: Any
) -> None:
    unit = Unit(make_person, make_user)
    make_person(borough=unit.borough, team=unit.team, line_supervisor=unit.ds, pip_level=1, last_name="Extra")
    for _ in range(6):
        unit.crime()

    assert seed_part(scale="demo", seed=7, progress=False) == 4
    first = _seeded()
    ConflictOfInterest.objects.all().delete()
    seed_part(scale="demo", seed=7, progress=False)

    assert _seeded() == first
    active = ConflictOfInterest.objects.filter(withdrawn_at__isnull=True)
    assert (
        active.filter(kind=ConflictKind.CRIME).count() == 2
        and active.filter(kind=ConflictKind.PERSON).count() == 1
    )
    assert (
        ConflictOfInterest.objects.filter(withdrawn_at__isnull=False).exclude(withdrawal_reason="").count()
        == 1
    )
    result = allocation_run(actor=unit.supervisor, borough=unit.borough, dry_run=True)
    given = {(a.crime, a.officer) for a in result.allocations}
    for c in active.filter(kind=ConflictKind.CRIME).select_related("crime", "officer"):
        assert (c.crime.reference, c.officer.staff_number) not in given
