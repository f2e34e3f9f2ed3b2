"""Visit planner (pairs, areas, unannounced, varied times, deterministic) and predictability."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custos.core.policy import Policy, current_policy
from custos.offenders.rules import (
    Availability,
    PlannerOffender,
    PlannerOfficer,
    RiskLevel,
    plan_visits,
    predictability,
)
from custos.offenders.rules.planner import UNKNOWN_REASON, hour_band

START = date(2024, 6, 3)  # a Monday
END = START + timedelta(days=13)


def officer(oid: str, start_hour: int = 8, end_hour: int = 21) -> PlannerOfficer:
    return PlannerOfficer(
        oid, tuple(Availability(START + timedelta(days=i), start_hour, end_hour) for i in range(14))
    )


def offenders(n: int, areas: tuple[str, ...] = ("M1", "M2", "M3")) -> list[PlannerOffender]:
    return [
        PlannerOffender(f"N{i:03d}", START + timedelta(days=i % 14), areas[i % len(areas)], RiskLevel.HIGH)
        for i in range(n)
    ]


def test_the_same_seed_gives_the_same_plan(policy: Policy) -> None:
    officers = [officer(x) for x in ("alice", "bob", "carol", "dan")]
    a = plan_visits(offenders(20), officers, start=START, end=END, seed=7, policy=policy)
    b = plan_visits(offenders(20), officers, start=START, end=END, seed=7, policy=policy)
    assert a == b


def test_every_visit_is_made_by_a_pair_and_a_lone_officer_is_reported(policy: Policy) -> None:
    officers = [officer(x) for x in ("alice", "bob", "carol")]
    plan = plan_visits(offenders(10), officers, start=START, end=END, seed=1, policy=policy)
    assert len(plan.pairs) == 1
    assert len(plan.unpaired) == 1
    assert all(len(set(v.officers)) == 2 for v in plan.visits)
    assert plan.unpaired[0] not in {o for v in plan.visits for o in v.officers}


def test_visits_are_unannounced_unless_a_reason_code_is_given(policy: Policy) -> None:
    people = offenders(4)
    people[0] = PlannerOffender("N900", START, "M1", RiskLevel.HIGH, announce_reason="medical")
    plan = plan_visits(people, [officer("a"), officer("b")], start=START, end=END, seed=3, policy=policy)
    announced = {v.offender_id: v.announced for v in plan.visits}
    assert announced["N900"] is True
    assert sum(announced.values()) == 1


def test_an_unknown_reason_code_is_refused(policy: Policy) -> None:
    people = [PlannerOffender("N1", START, "M1", announce_reason="convenient")]
    with pytest.raises(ValueError, match=UNKNOWN_REASON.format(reason="convenient")):
        plan_visits(people, [officer("a"), officer("b")], start=START, end=END, seed=3, policy=policy)


def test_visits_stay_within_the_policy_window_and_before_due_when_possible(policy: Policy) -> None:
    plan = plan_visits(
        offenders(12), [officer("a"), officer("b")], start=START, end=END, seed=5, policy=policy
    )
    lo, hi = policy.get("offenders.visits.window_start_hour"), policy.get("offenders.visits.window_end_hour")
    assert plan.visits
    for v in plan.visits:
        assert lo <= v.at.hour < hi
        assert START <= v.at.date() <= END
    assert sum(v.late for v in plan.visits) <= len(plan.visits) // 2


def test_a_pair_works_one_area_a_day_when_it_can(policy: Policy) -> None:
    plan = plan_visits(
        offenders(12), [officer("a"), officer("b")], start=START, end=END, seed=5, policy=policy
    )
    areas_per_day: dict[date, set[str]] = {}
    for v in plan.visits:
        areas_per_day.setdefault(v.at.date(), set()).add(v.area)
    assert all(len(a) == 1 for a in areas_per_day.values())


def test_daily_capacity_is_respected_and_overflow_reported(policy: Policy) -> None:
    capacity = policy.get("offenders.visits.max_visits_per_pair_day")
    short = [PlannerOfficer(x, (Availability(START, 8, 21),)) for x in ("a", "b")]
    plan = plan_visits(offenders(capacity + 3, ("M1",)), short, start=START, end=END, seed=1, policy=policy)
    assert len(plan.visits) == capacity
    assert len(plan.unplanned) == 3


def test_an_offender_always_seen_on_tuesday_afternoons_is_planned_at_another_time(policy: Policy) -> None:
    history = tuple(datetime(2024, 1, 2, 14) + timedelta(weeks=6 * i) for i in range(6))  # Tuesdays 14:00
    person = PlannerOffender("N1", END, "M1", RiskLevel.HIGH, history=history)
    for seed in range(5):
        plan = plan_visits(
            [person], [officer("a"), officer("b")], start=START, end=END, seed=seed, policy=policy
        )
        (visit,) = plan.visits
        assert visit.at.weekday() != 1
        assert hour_band(visit.at.hour, policy=policy) != "afternoon"


def test_planned_times_are_varied_across_offenders_including_evenings_and_weekends(policy: Policy) -> None:
    plan = plan_visits(
        offenders(40), [officer(x) for x in "abcdef"], start=START, end=END, seed=11, policy=policy
    )
    bands = {hour_band(v.at.hour, policy=policy) for v in plan.visits}
    assert bands == {"morning", "afternoon", "evening"}
    assert any(v.at.weekday() >= 5 for v in plan.visits)


def test_weekends_can_be_switched_off_by_policy() -> None:
    policy = current_policy().with_overrides({"offenders.visits.weekend_visits": False})
    plan = plan_visits(
        offenders(30), [officer(x) for x in "abcd"], start=START, end=END, seed=11, policy=policy
    )
    assert plan.visits
    assert all(v.at.weekday() < 5 for v in plan.visits)


def test_predictability_of_identical_visits_is_zero(policy: Policy) -> None:
    same = [datetime(2024, 1, 2, 14) + timedelta(weeks=i) for i in range(5)]
    p = predictability(same, policy=policy)
    assert (p.weekday_entropy, p.hour_band_entropy, p.variety) == (0.0, 0.0, 0.0)
    assert "predictable" in p.explanation
    assert "Tuesday" in p.explanation
    assert "-0" not in f"{p.weekday_entropy} {p.hour_band_entropy} {p.variety} {p.explanation}"


def test_predictability_of_evenly_spread_visits_is_one(policy: Policy) -> None:
    # 21 visits: each weekday three times, each band seven times.
    visits = [datetime(2024, 1, 1, hour) + timedelta(days=d) for d in range(7) for hour in (9, 14, 19)]
    p = predictability(visits, policy=policy)
    assert p.weekday_entropy == pytest.approx(1.0)
    assert p.hour_band_entropy == pytest.approx(1.0)
    assert p.variety == pytest.approx(1.0)


def test_predictability_with_few_visits_says_so(policy: Policy) -> None:
    assert "too few" in predictability([datetime(2024, 1, 1, 10)], policy=policy).explanation
    assert predictability([], policy=policy).explanation == "no visits recorded"


@settings(max_examples=40, deadline=None)
@given(
    n_offenders=st.integers(min_value=0, max_value=25),
    n_officers=st.integers(min_value=0, max_value=6),
    hours=st.lists(st.tuples(st.integers(6, 14), st.integers(15, 23)), min_size=1, max_size=6),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_a_plan_never_double_books_and_respects_availability(
    n_offenders: int, n_officers: int, hours: list[tuple[int, int]], seed: int
) -> None:
    policy = current_policy()
    officers = [
        PlannerOfficer(
            f"o{i}",
            tuple(
                Availability(START + timedelta(days=d), *hours[(i + d) % len(hours)])
                for d in range(0, 14, 1 + i % 3)
            ),
        )
        for i in range(n_officers)
    ]
    plan = plan_visits(offenders(n_offenders), officers, start=START, end=END, seed=seed, policy=policy)
    windows = {(o.officer_id, a.day): (a.start_hour, a.end_hour) for o in officers for a in o.availability}
    seen_slots = set()
    per_day: dict[tuple[tuple[str, str], date], int] = {}
    for v in plan.visits:
        assert (v.officers, v.at) not in seen_slots
        seen_slots.add((v.officers, v.at))
        for oid in v.officers:
            s, e = windows[(oid, v.at.date())]
            assert s <= v.at.hour < e
        per_day[(v.officers, v.at.date())] = per_day.get((v.officers, v.at.date()), 0) + 1
    assert all(n <= policy.get("offenders.visits.max_visits_per_pair_day") for n in per_day.values())
    ids = [v.offender_id for v in plan.visits] + list(plan.unplanned)
    assert sorted(ids) == sorted(o.offender_id for o in offenders(n_offenders))


def test_the_planner_page_never_proposes_a_time_already_past_today(
    force: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from django.utils import timezone

    from custos.offenders import ladder
    from tests.offenders.factories import add_visit, make_offender

    today = timezone.localdate()
    evening = timezone.make_aware(datetime.combine(today, datetime.min.time()).replace(hour=19, minute=30))
    planner_views = importlib.import_module("custos.offenders.views.planner")  # the module, not the view
    monkeypatch.setattr(planner_views, "_now", lambda: timezone.localtime(evening))
    for i in range(3):  # overdue: the planner wants them as soon as it can
        o = make_offender(force, reference=f"LATE{i}", managed_since=date(2020, 1, 1))
        add_visit(o, today - timedelta(days=200), "seen-and-entered")
    ladder.run(today=today)  # the stored due dates the planner reads
    client = client_for(force.user("offender-manager"))
    plan = client.get("/offenders/planner/").context["plan"]
    assert plan.visits, "nothing was planned"
    assert all(v.at >= evening.replace(tzinfo=None, minute=0, hour=20) for v in plan.visits)
