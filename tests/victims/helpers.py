"""Building crimes and victims for the victims Django-layer tests (through the real services)."""

from __future__ import annotations

from datetime import date
from typing import Any

from custos.crimes.models import Crime
from tests.crimes.factories import make_crime


def crime_in_a(
    force: Any,
    *,
    offence: str = "burglary-residential",
    reported: date | None = None,
    held: bool = True,
    **facts: Any,
) -> Crime:
    """A crime in borough A held by the investigator there (team CID A), optionally reported on a day."""
    crime = make_crime(
        borough=force.boroughs["A"],
        offence=offence,
        officer=force.people["investigator@A"] if held else None,
        team=force.teams["cid@A"],
        **facts,
    )
    if reported is not None:
        Crime.objects.filter(pk=crime.pk).update(
            reported_on=reported, occurred_on=reported, recorded_on=reported
        )
        crime.refresh_from_db()
    return crime


def person_data(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "person",
        "first_name": "Alex",
        "last_name": "Smith",
        "contact_method": "phone",
    }
    data.update(kw)
    return data


def born_years_before(on: date, years: int) -> date:
    return date(on.year - years, on.month, min(on.day, 28))


def add_victim(force: Any, crime: Crime, *, actor: Any = None, **kw: Any) -> Any:
    from custos.victims import services

    return services.victim_create(
        actor=actor or force.user("investigator", "A"), crime=crime, data=person_data(**kw)
    )
