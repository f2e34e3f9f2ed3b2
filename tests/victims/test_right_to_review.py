from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custos.core.policy import Policy, current_policy
from custos.core.workingdays import is_working_day
from custos.victims.rules import add_months, reviewer_independence, vrr_eligibility, vrr_window
from custos.victims.rules.vrr import NO_SUSPECT, NOT_HIGHER_RANK, OUT_OF_COURT, SAME_PERSON, WITHDRAWN

RANKS = ["constable", "sergeant", "inspector", "chief-inspector", "superintendent"]


@pytest.mark.parametrize(
    ("example", "outcome", "withdrawn", "exclusion"),
    [
        ("§8 #6 outcome 18", 18, False, NO_SUSPECT),
        ("§8 #6 outcome 8", 8, False, OUT_OF_COURT),
        ("§8 #6 outcome 16 with the victim still withdrawn", 16, True, WITHDRAWN),
    ],
)
def test_worked_example_6_is_not_eligible(
    policy: Policy, example: str, outcome: int, withdrawn: bool, exclusion: str
) -> None:
    result = vrr_eligibility(
        outcome=outcome, suspect_interviewed=True, victim_withdrawn=withdrawn, policy=policy
    )
    assert not result.eligible, example
    assert any(exclusion in reason for reason in result.reasons)


@pytest.mark.parametrize("outcome", [15, 21, 10, 17])
def test_a_police_decision_not_to_charge_after_interview_is_eligible(policy: Policy, outcome: int) -> None:
    assert vrr_eligibility(outcome=outcome, suspect_interviewed=True, policy=policy).eligible


def test_no_interview_under_caution_excludes(policy: Policy) -> None:
    assert not vrr_eligibility(outcome=15, suspect_interviewed=False, policy=policy).eligible


def test_a_victim_who_reinstates_is_eligible_again(policy: Policy) -> None:
    result = vrr_eligibility(
        outcome=16, suspect_interviewed=True, victim_withdrawn=True, victim_reinstated=True, policy=policy
    )
    assert result.eligible


@pytest.mark.parametrize(("outcome", "phrase"), [(1, "charged"), (9, "CPS"), (20, "not a police decision")])
def test_other_outcomes_are_not_police_decisions_not_to_charge(
    policy: Policy, outcome: int, phrase: str
) -> None:
    result = vrr_eligibility(outcome=outcome, suspect_interviewed=True, policy=policy)
    assert not result.eligible
    assert phrase in result.reasons[0]


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
    ],
)
def test_calendar_months_keep_the_day_or_take_the_last_of_a_shorter_month(
    start: date, months: int, end: date
) -> None:
    assert add_months(start, months) == end


@pytest.mark.parametrize(
    ("requested", "in_time"),
    [(date(2026, 4, 15), True), (date(2026, 4, 16), False), (date(2026, 1, 15), True)],
)
def test_a_request_within_3_months_of_notification_is_in_time(
    policy: Policy, requested: date, in_time: bool
) -> None:
    window = vrr_window(date(2026, 1, 15), requested, policy=policy)
    assert window.window_closes == date(2026, 4, 15)
    assert window.in_time is in_time


def test_summary_only_offences_also_close_6_months_after_the_incident(policy: Policy) -> None:
    window = vrr_window(
        date(2026, 2, 1), date(2026, 4, 20), summary_only=True, incident=date(2025, 10, 15), policy=policy
    )
    assert window.window_closes == date(2026, 4, 15)
    assert not window.in_time
    assert any("s.127" in line for line in window.basis)


def test_acknowledge_in_10_and_decide_in_30_working_days_across_easter_and_may_day(policy: Policy) -> None:
    window = vrr_window(date(2026, 3, 20), date(2026, 3, 27), policy=policy)
    assert window.acknowledge_by == date(2026, 4, 14)  # skips Good Friday and Easter Monday
    assert window.decide_by == date(2026, 5, 13)  # also skips the early May bank holiday


def test_a_request_before_notification_is_refused(policy: Policy) -> None:
    with pytest.raises(ValueError, match="cannot be before"):
        vrr_window(date(2026, 3, 20), date(2026, 3, 1), policy=policy)


def test_an_independent_reviewer_is_someone_else_of_higher_rank() -> None:
    ok = reviewer_independence(
        reviewer_id="DI 9",
        reviewer_rank="inspector",
        decision_maker_id="DS 4",
        decision_maker_rank="sergeant",
        rank_order=RANKS,
    )
    assert ok.independent


def test_the_decision_maker_cannot_review_their_own_decision() -> None:
    check = reviewer_independence(
        reviewer_id="DI 9",
        reviewer_rank="inspector",
        decision_maker_id="DI 9",
        decision_maker_rank="sergeant",
        rank_order=RANKS,
    )
    assert check.errors == (SAME_PERSON,)


def test_the_reviewer_must_outrank_the_decision_maker() -> None:
    check = reviewer_independence(
        reviewer_id="DI 9",
        reviewer_rank="inspector",
        decision_maker_id="DI 2",
        decision_maker_rank="inspector",
        rank_order=RANKS,
    )
    assert check.errors == (NOT_HIGHER_RANK.format(reviewer="inspector", maker="inspector"),)


def test_an_unknown_rank_is_an_error_not_a_pass() -> None:
    check = reviewer_independence(
        reviewer_id="A",
        reviewer_rank="commander",
        decision_maker_id="B",
        decision_maker_rank="sergeant",
        rank_order=RANKS,
    )
    assert not check.independent


@given(
    st.dates(min_value=date(2025, 10, 1), max_value=date(2026, 6, 30)),
    st.integers(min_value=0, max_value=150),
)
def test_review_deadlines_are_working_days_in_order(notified: date, days_later: int) -> None:
    requested = notified + timedelta(days=days_later)
    window = vrr_window(notified, requested, policy=current_policy())
    assert is_working_day(window.acknowledge_by)
    assert is_working_day(window.decide_by)
    assert requested < window.acknowledge_by < window.decide_by
    assert window.in_time is (requested <= window.window_closes)
