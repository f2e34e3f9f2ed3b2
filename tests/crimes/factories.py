"""Building crimes, allocations and plans for Django-layer tests (through the same intake rules)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

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
        CrimeFacts(
            offence_key=offence, recorded_on=recorded, occurred_on=recorded, reported_on=recorded, **facts
        ),
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
        borough=force.boroughs["A"],
        offence=offence,
        officer=officer,
        team=force.teams["cid@A"],
        reference=reference,
    )
    plan_create(actor=None, crime=crime, owner=officer, allocated_on=date.today())
    return crime


def shared(force: Any, key: str, build: Any) -> Any:
    """One object per test for route cases that ask for it many times (kept on the force fixture)."""
    cache = force.__dict__.setdefault("_route_objects", {})
    if key not in cache:
        cache[key] = build()
    return cache[key]


class Unit:
    """A small CID unit in one borough: a DS supervising three investigators, and an outsider borough."""

    def __init__(self, make_person: Any, make_user: Any) -> None:
        from custos.workforce.models import Borough, Team

        self.borough = Borough.objects.create(code="UA", name="Unit borough")
        self.other = Borough.objects.create(code="UB", name="Other borough")
        self.team = Team.objects.create(borough=self.borough, name="CID 1", team_type="cid")
        today = date.today()
        self.di = make_person(
            rank="detective-inspector",
            borough=self.borough,
            pip_level=3,
            pip_accredited_on=date(2012, 1, 1),
            last_name="Inspector",
        )
        self.ds = make_person(
            rank="detective-sergeant",
            borough=self.borough,
            team=self.team,
            line_supervisor=self.di,
            pip_level=2,
            pip_accredited_on=date(2015, 1, 1),
            last_name="Sergeant",
            workload_training_on=today - timedelta(days=30),
            workload_training_expires=today + timedelta(days=700),
        )
        self.team.supervisor = self.ds
        self.team.save(update_fields=["supervisor"])
        self.dc = make_person(
            rank="detective-constable",
            borough=self.borough,
            team=self.team,
            line_supervisor=self.ds,
            pip_level=2,
            pip_accredited_on=date(2018, 1, 1),
            last_name="Detective",
        )
        self.pc = make_person(
            rank="constable",
            borough=self.borough,
            team=self.team,
            line_supervisor=self.ds,
            pip_level=1,
            last_name="Constable",
        )
        self.trainee = make_person(
            rank="constable",
            borough=self.borough,
            team=self.team,
            line_supervisor=self.ds,
            pip_level=1,
            probationer=True,
            last_name="Trainee",
        )
        self.supervisor = make_user("unit-ds", ["investigation-supervisor"], self.ds)
        self.investigator = make_user("unit-dc", ["investigator"], self.dc)
        self.pc_user = make_user("unit-pc", ["investigator"], self.pc)
        self.admin = make_user("unit-admin", ["administrator"])

    def crime(self, **kw: Any) -> Crime:
        kw.setdefault("team", self.team)
        return make_crime(borough=self.borough, **kw)


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)
