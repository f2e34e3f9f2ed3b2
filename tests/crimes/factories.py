"""Building crimes, allocations and plans for Django-layer tests (through the same intake rules)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from custos.core.policy import current_policy
from custos.crimes.intake import CrimeFacts, crime_values
from custos.crimes.models import Crime, Suspect

_n = {"i": 0}


def make_crime(
    *,
    borough: Any,
    offence: str = "theft-other",
    officer: Any = None,
    team: Any = None,
    reference: str = "",
    recorded_days_ago: int = 10,
    suspects: tuple[tuple[str, str, str], ...] = (),
    **facts: Any,
) -> Crime:
    _n["i"] += 1
    today = date.today()
    recorded = today - timedelta(days=recorded_days_ago)
    values, errors = crime_values(
        CrimeFacts(offence_key=offence, recorded_on=recorded, occurred_on=recorded, reported_on=recorded, **facts),
        today=today,
        policy=current_policy(),
    )
    assert not errors, errors
    crime = Crime.objects.create(
        reference=reference or f"TEST/{_n['i']:06d}", borough=borough, team=team, officer=officer, **values
    )
    for status, name, offender_ref in suspects:
        Suspect.objects.create(crime=crime, status=status, name=name, offender_reference=offender_ref)
    return crime


def allocated_crime(force: Any, *, offence: str = "theft-other", reference: str = "") -> Crime:
    """A crime in borough A held by the investigator there, with its plan (as after allocation)."""
    from custos.investigations.services import plan_create

    officer = force.people["investigator@A"]
    crime = make_crime(
        borough=force.boroughs["A"], offence=offence, officer=officer, team=force.teams["cid@A"], reference=reference
    )
    plan_create(actor=None, crime=crime, owner=officer, allocated_on=date.today())
    return crime


def shared(force: Any, key: str, build: Any) -> Any:
    """One object per test for route cases that ask for it many times (kept on the force fixture)."""
    cache = force.__dict__.setdefault("_route_objects", {})
    if key not in cache:
        cache[key] = build()
    return cache[key]
