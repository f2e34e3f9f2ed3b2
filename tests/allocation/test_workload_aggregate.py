"""The workload views' SQL aggregate of held crimes equals the engine's per-crime computation."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from typing import Any

import pytest

from custos.allocation import inputs, selectors
from custos.allocation.engine import crime_weight
from custos.allocation.held import AGE_BANDS, held_by_officer
from custos.core.policy import Policy, load_policy
from custos.crimes.models import Crime
from custos.investigations.models import LineOfEnquiry, LineStatus
from custos.investigations.services import plan_create
from tests.crimes.factories import Unit


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


def _band(days: int) -> str:
    return next(label for limit, label in AGE_BANDS if days < limit)


def _per_crime(officer_ids: list[int], *, today: date, policy: Policy) -> dict[int, tuple[Any, ...]]:
    """What the views computed before: one Python row per held crime, summed in Python."""
    held: dict[int, list[inputs.HeldCrime]] = defaultdict(list)
    for h in inputs.held_crimes(officer_ids, today=today):
        held[h.officer_id].append(h)
    out = {}
    for pid, cases in held.items():
        ages = sorted(h.case.age_days for h in cases)
        bands: dict[str, int] = defaultdict(int)
        for a in ages:
            bands[_band(a)] += 1
        load = sum(
            crime_weight(h.case.tier, h.case.enhanced_victim, h.case.open_lines_of_enquiry, policy=policy)
            for h in cases
        )
        out[pid] = (len(cases), round(load, 2), ages[-1], dict(bands))
    return out


def _build_held_crimes(unit: Unit) -> None:
    """Every combination that weighs a crime: tiers, enhanced victims, plans with few and many open lines,
    no plan yet (expected lines stand in), closed lines, ages in every band, and a closed crime."""
    officers = [unit.dc, unit.pc, unit.trainee]
    offences = [("theft-other", {}), ("robbery-personal", {"weapon": True}), ("theft-other", {"hate": True})]
    days = [0, 29, 30, 89, 90, 179, 180, 400]
    for n in range(24):
        offence, facts = offences[n % len(offences)]
        officer = officers[n % len(officers)]
        crime = unit.crime(offence=offence, officer=officer, recorded_days_ago=days[n % len(days)], **facts)
        if n % 4 == 0:
            continue  # no plan: the expected lines of enquiry count
        plan = plan_create(actor=None, crime=crime, owner=officer, allocated_on=date.today())
        if n % 4 == 1:
            LineOfEnquiry.objects.bulk_create(
                [LineOfEnquiry(plan=plan, key=f"extra-{i}", title=f"Extra {i}") for i in range(6)]
            )
        elif n % 4 == 2:
            LineOfEnquiry.objects.filter(plan=plan).update(status=LineStatus.PURSUED)
    done = unit.crime(officer=unit.dc)
    Crime.objects.filter(pk=done.pk).update(status="closed")


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"allocation.many_open_lines": 1, "allocation.enhanced_victim_factor": 2.0},
        {"allocation.tier_weight": {"T1": 0.5, "T2": 2.25, "T3": 7.0, "T4": 11.0}},
    ],
)
def test_the_sql_aggregate_equals_the_per_crime_computation(unit: Unit, overrides: dict[str, Any]) -> None:
    _build_held_crimes(unit)
    policy = load_policy().with_overrides(overrides) if overrides else load_policy()
    today = date.today()
    ids = [unit.dc.pk, unit.pc.pk, unit.trainee.pk, unit.ds.pk]

    expected = _per_crime(ids, today=today, policy=policy)
    got = {
        pid: (h.open_crimes, round(h.weighted_load, 2), h.oldest_days, h.ages)
        for pid, h in held_by_officer(ids, today=today, policy=policy).items()
    }

    assert got == expected
    assert set(got) == {unit.dc.pk, unit.pc.pk, unit.trainee.pk}  # the DS holds nothing
    assert {len(h[3]) for h in got.values()} != {1}  # ages really span several bands
    assert all(list(h[3]) == [b for _, b in AGE_BANDS if b in h[3]] for h in got.values())


def test_counting_first_and_weighing_a_page_gives_the_same_rows_as_weighing_everyone(unit: Unit) -> None:
    """The workload page counts every investigator and weighs only the 50 it shows: the rows it shows, and
    every count, RAG, flag and group total, must equal weighing everyone as the CSV and API do."""
    _build_held_crimes(unit)
    policy, today = load_policy(), date.today()
    full = selectors.investigator_loads(actor=unit.admin, today=today, policy=policy)
    counted = selectors.investigator_loads(actor=unit.admin, today=today, policy=policy, weighed=False)
    assert len(full) == len(counted) >= 4

    same = ("person", "open_crimes", "rag", "over_25", "oldest_days")
    assert [tuple(getattr(r, f) for f in same) for r in counted] == [
        tuple(getattr(r, f) for f in same) for r in full
    ]
    holding = [r for r in counted if r.open_crimes]
    assert holding and not any(r.weighed for r in holding)
    assert [
        (g.key, g.investigators, g.red, g.amber, g.over_25, g.oldest_days)
        for g in selectors.group_loads(counted, "team")
    ] == [
        (g.key, g.investigators, g.red, g.amber, g.over_25, g.oldest_days)
        for g in selectors.group_loads(full, "team")
    ]
    assert {g.weighted_load for g in selectors.group_loads(counted, "team") if g.open_crimes} == {None}

    selectors.weigh(counted[:2], today=today, policy=policy)
    for got, want in zip(counted[:2], full[:2], strict=True):
        assert (got.weighed, got.weighted_load, got.ages) == (True, want.weighted_load, want.ages)
    selectors.weigh(counted, today=today, policy=policy)
    assert counted == full


def test_an_officer_holding_nothing_has_no_aggregate_row(unit: Unit) -> None:
    assert held_by_officer([unit.dc.pk], today=date.today(), policy=load_policy()) == {}
    assert held_by_officer([], today=date.today(), policy=load_policy()) == {}


def test_the_workload_page_csv_and_team_view_show_each_investigator_with_their_held_crimes(
    unit: Unit, client_for: Any
) -> None:
    _build_held_crimes(unit)
    client = client_for(unit.supervisor)
    expected = _per_crime([unit.dc.pk], today=date.today(), policy=load_policy())[unit.dc.pk]

    page = client.get("/allocation/workload/").content.decode()
    assert unit.dc.full_name in page and "CID 1" in page
    rows = list(csv.reader(io.StringIO(client.get("/allocation/workload/?format=csv").content.decode())))
    dc = next(r for r in rows if r[0] == unit.dc.staff_number)
    assert dc[1:4] == [unit.dc.full_name, "UA", "CID 1"]
    assert (int(dc[6]), float(dc[7]), int(dc[10])) == (expected[0], expected[1], expected[2])
    teams = client.get("/allocation/workload/?view=team").content.decode()
    link = f"?view=investigator&amp;borough=UA&amp;team={unit.team.pk}"
    assert "CID 1" in teams and link in teams
    # The team's link lists its investigators and keeps the filter on the page's other links.
    team_page = client.get("/allocation/workload/" + link.replace("&amp;", "&")).content.decode()
    assert unit.dc.full_name in team_page
    assert f"?sort=oldest&amp;borough=UA&amp;team={unit.team.pk}" in team_page
