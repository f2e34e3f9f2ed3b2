"""Visit due dates and the escalation ladder: worked examples 9 and 11, and the 2017 case."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custos.core.policy import Policy, current_policy
from custos.offenders.rules import (
    AwayKind,
    AwayPeriod,
    Change,
    LadderResult,
    ManagementMode,
    RiskLevel,
    Step,
    VisitAttempt,
    VisitOutcome,
    change_notification,
    escalation_timeline,
    evaluate_ladder,
    last_successful_visit,
    missed_notifications,
    s96b_check,
    visit_due,
)
from custos.offenders.rules.dates import Duration


def attempt(d: date, outcome: VisitOutcome = VisitOutcome.NO_ANSWER, hour: int = 10) -> VisitAttempt:
    return VisitAttempt(datetime.combine(d, datetime.min.time()).replace(hour=hour), outcome)


@pytest.mark.parametrize(
    ("level", "due"),
    [
        (RiskLevel.VERY_HIGH, date(2024, 2, 21)),  # 6 weeks = 42 days
        (RiskLevel.HIGH, date(2024, 4, 10)),
        (RiskLevel.MEDIUM, date(2024, 7, 10)),
        (RiskLevel.LOW, date(2025, 1, 10)),
    ],
)
def test_next_due_is_last_successful_visit_plus_interval(level: RiskLevel, due: date, policy: Policy) -> None:
    result = visit_due(level, last_successful=date(2024, 1, 10), policy=policy)
    assert result.due == due
    assert result.policy_version == policy.version
    assert f"offenders.visits.interval.{level.value}" in result.basis


def test_month_intervals_clamp_to_the_end_of_a_shorter_month(policy: Policy) -> None:
    assert visit_due("high", last_successful=date(2023, 11, 30), policy=policy).due == date(2024, 2, 29)


def test_reactive_management_has_no_routine_visit(policy: Policy) -> None:
    result = visit_due("high", last_successful=date(2024, 1, 10), mode=ManagementMode.REACTIVE, policy=policy)
    assert result.due is None
    assert "reactive" in result.basis


def test_interval_policy_is_exact_text() -> None:
    assert Duration.parse("6w").days == 42
    assert Duration.parse("3m").months == 3
    assert Duration.parse("1y").months == 12
    with pytest.raises(ValueError, match="not a duration"):
        Duration.parse("1.5m")


def test_only_a_successful_visit_counts_as_last_successful() -> None:
    attempts = [
        attempt(date(2024, 1, 10), VisitOutcome.SEEN_AND_ENTERED),
        attempt(date(2024, 4, 8)),
        attempt(date(2024, 4, 9), VisitOutcome.ENTRY_REFUSED),
    ]
    assert last_successful_visit(attempts) == date(2024, 1, 10)


FAILED = st.sampled_from([o for o in VisitOutcome if o is not VisitOutcome.SEEN_AND_ENTERED])


@given(
    last=st.dates(min_value=date(2010, 1, 1), max_value=date(2040, 1, 1)),
    failed=st.lists(st.tuples(st.integers(min_value=0, max_value=2000), FAILED), max_size=6),
    level=st.sampled_from(list(RiskLevel)),
)
def test_failed_visits_never_move_the_due_date(
    last: date, failed: list[tuple[int, VisitOutcome]], level: RiskLevel
) -> None:
    policy = current_policy()
    attempts = [attempt(last, VisitOutcome.SEEN_AND_ENTERED)] + [
        attempt(last + timedelta(days=d), o) for d, o in failed
    ]
    assert last_successful_visit(attempts) == last
    with_failures = visit_due(level, last_successful=last_successful_visit(attempts), policy=policy)
    assert with_failures.due == visit_due(level, last_successful=last, policy=policy).due
    ladder = evaluate_ladder(
        today=last + timedelta(days=30), level=level, last_successful=last, attempts=attempts, policy=policy
    )
    assert ladder.due == with_failures.due


def ladder(today: date, **kwargs: object) -> LadderResult:
    args: dict[str, object] = {"level": RiskLevel.HIGH, "last_successful": date(2024, 1, 10)} | kwargs
    return evaluate_ladder(today=today, policy=current_policy(), **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("today", "steps"),
    [
        (date(2024, 3, 26), set()),
        (date(2024, 3, 27), {"due-soon"}),  # 14 days before 2024-04-10
        (date(2024, 4, 10), {"due-soon"}),
        (date(2024, 4, 11), {"overdue"}),
        (date(2024, 7, 10), {"overdue"}),
        (date(2024, 7, 11), {"overdue", "overdue-by-interval", "breach-case"}),
    ],
)
def test_worked_example_11_ladder_by_date(today: date, steps: set[str]) -> None:
    result = ladder(today)
    assert result.due == date(2024, 4, 10)
    assert result.step_names == steps


def test_worked_example_11_two_failed_attempts_open_the_s96b_task() -> None:
    attempts = [attempt(date(2024, 4, 8)), attempt(date(2024, 4, 9), VisitOutcome.ENTRY_REFUSED)]
    result = ladder(date(2024, 4, 9), attempts=attempts)
    assert result.has(Step.CONSIDER_S96B)
    step = result.get(Step.CONSIDER_S96B)
    assert step is not None
    assert step.since == date(2024, 4, 9)
    assert "superintendent" in step.owners
    assert result.s96b is not None
    assert {c.code: c.met for c in result.s96b.conditions} == {"a": True, "b": True, "c": None, "d": True}
    assert all("s.96B(2)" in c.basis for c in result.s96b.conditions)


def test_worked_example_11_not_seen_by_july_opens_a_breach_case_with_its_actions() -> None:
    result = ladder(date(2024, 7, 11))
    breach = result.get(Step.BREACH_CASE)
    assert breach is not None
    assert "di" in breach.owners
    assert result.has(Step.OVERDUE_BY_INTERVAL)
    actions = {a.action: a.due for a in breach.actions}
    assert actions["record the breach on PNC and ViSOR and inform the partner agencies"] == date(2024, 7, 12)
    assert actions["decide whether an urgent MAPP meeting is needed"] == date(2024, 7, 12)
    assert actions["decide on arrest (s.91), PNC wanted circulation or licence recall"] == date(2024, 7, 12)
    assert actions["review the breach case"] == date(2024, 7, 18)
    assert result.steps[0].step is Step.BREACH_CASE  # the top of every worklist


@given(last=st.dates(min_value=date(2017, 1, 1), max_value=date(2017, 12, 31)))
def test_a_2017_last_visit_is_escalated_within_six_months(last: date) -> None:
    policy = current_policy()
    timeline = escalation_timeline(RiskLevel.HIGH, last_successful=last, policy=policy)
    six_months = Duration.parse("6m").after(last)
    assert timeline.overdue_from <= six_months
    assert ladder(six_months, last_successful=last).has(Step.OVERDUE)
    # And on the day of the inspection he is at the top of every worklist with a breach case.
    today = ladder(date(2026, 11, 25), last_successful=last)
    assert today.steps[0].step is Step.BREACH_CASE
    assert {"overdue", "overdue-by-interval", "breach-case"} <= today.step_names


@pytest.mark.parametrize(
    ("dates", "away", "may_apply"),
    [
        ([date(2024, 2, 1), date(2024, 2, 15)], [], True),
        ([date(2024, 2, 1)], [], False),
        ([date(2024, 2, 1), date(2024, 2, 15)], [AwayPeriod(AwayKind.ABROAD, date(2024, 2, 18))], False),
        (
            [date(2024, 2, 1), date(2024, 2, 15)],
            [AwayPeriod(AwayKind.CUSTODY, date(2024, 2, 10), date(2024, 2, 16))],
            False,
        ),
    ],
)
def test_s96b_eligibility_example_9(
    dates: list[date], away: list[AwayPeriod], may_apply: bool, policy: Policy
) -> None:
    check = s96b_check(
        today=date(2024, 2, 20),
        attempts=[attempt(d) for d in dates],
        last_successful=None,
        away=away,
        policy=policy,
    )
    assert check.consider is may_apply


def test_the_s96b_task_dates_from_the_attempt_that_met_the_threshold() -> None:
    attempts = [attempt(date(2024, 4, 8)), attempt(date(2024, 4, 9)), attempt(date(2024, 4, 20))]
    step = ladder(date(2024, 4, 21), attempts=attempts).get(Step.CONSIDER_S96B)
    assert step is not None
    assert step.since == date(2024, 4, 9)


def test_attempts_before_the_last_successful_visit_do_not_count(policy: Policy) -> None:
    attempts = [attempt(date(2024, 2, 1)), attempt(date(2024, 2, 15))]
    check = s96b_check(
        today=date(2024, 3, 1), attempts=attempts, last_successful=date(2024, 2, 20), policy=policy
    )
    assert not check.consider
    assert check.failed_attempts == ()


def test_no_longer_resident_is_not_a_failed_entry_for_s96b(policy: Policy) -> None:
    attempts = [attempt(date(2024, 2, 1), VisitOutcome.NO_LONGER_RESIDENT), attempt(date(2024, 2, 15))]
    assert not s96b_check(
        today=date(2024, 3, 1), attempts=attempts, last_successful=None, policy=policy
    ).consider


def test_without_failed_attempts_there_is_no_s96b_check() -> None:
    assert ladder(date(2024, 7, 11)).s96b is None


def test_in_custody_today_suspends_visit_steps_and_s96b() -> None:
    custody = AwayPeriod(AwayKind.CUSTODY, date(2024, 5, 1))
    attempts = [attempt(date(2024, 4, 8)), attempt(date(2024, 4, 9))]
    result = ladder(date(2024, 8, 1), away=[custody], attempts=attempts)
    assert result.step_names == {"away"}


def test_time_in_custody_does_not_count_towards_the_breach_trigger() -> None:
    custody = AwayPeriod(AwayKind.CUSTODY, date(2024, 5, 1), date(2024, 6, 1))
    result = ladder(date(2024, 7, 11), away=[custody])
    assert result.has(Step.OVERDUE)
    assert not result.has(Step.BREACH_CASE)
    assert ladder(date(2024, 8, 11), away=[custody]).has(Step.BREACH_CASE)


def test_unverified_whereabouts_opens_a_breach_case_at_once() -> None:
    result = ladder(date(2024, 2, 1), whereabouts_verified=False)
    breach = result.get(Step.BREACH_CASE)
    assert breach is not None
    assert breach.reason == "whereabouts unverified"


def test_a_missed_notification_opens_a_breach_case() -> None:
    deadline = change_notification(Change.HOME_ADDRESS, date(2024, 1, 20))
    missed = missed_notifications([deadline], [], as_of=date(2024, 2, 1))
    result = ladder(date(2024, 2, 1), missed=missed)
    breach = result.get(Step.BREACH_CASE)
    assert breach is not None
    assert breach.since == date(2024, 1, 23)
    assert "missed change notification" in breach.reason


def test_reactive_management_has_no_visit_steps_but_still_breach_on_missed_notification() -> None:
    deadline = change_notification(Change.HOME_ADDRESS, date(2024, 1, 20))
    missed = missed_notifications([deadline], [], as_of=date(2026, 1, 1))
    quiet = ladder(date(2026, 1, 1), mode=ManagementMode.REACTIVE)
    assert quiet.steps == ()
    assert ladder(date(2026, 1, 1), mode=ManagementMode.REACTIVE, missed=missed).has(Step.BREACH_CASE)


def test_breach_actions_run_from_when_the_case_was_established() -> None:
    result = ladder(date(2024, 8, 1), breach_established_on=date(2024, 7, 11))
    breach = result.get(Step.BREACH_CASE)
    assert breach is not None
    assert breach.actions[0].due == date(2024, 7, 12)


@given(
    last=st.dates(min_value=date(2010, 1, 1), max_value=date(2040, 1, 1)),
    days=st.integers(min_value=0, max_value=3000),
    level=st.sampled_from(list(RiskLevel)),
)
def test_the_ladder_only_climbs_with_time(last: date, days: int, level: RiskLevel) -> None:
    policy = current_policy()
    rank = {"due-soon": 1, "overdue": 2, "overdue-by-interval": 3, "breach-case": 4}

    def top(d: date) -> int:
        names = evaluate_ladder(today=d, level=level, last_successful=last, policy=policy).step_names
        return max((rank[n] for n in names), default=0)

    today = last + timedelta(days=days)
    assert top(today + timedelta(days=1)) >= top(today)
