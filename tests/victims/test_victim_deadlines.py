from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custos.core.policy import Policy, current_policy
from custos.core.workingdays import add_working_days, is_bank_holiday, is_working_day
from custos.victims.rules import VICTIM_EVENTS, next_update_due, victim_deadline

UPDATE_EVENTS = [e for e in VICTIM_EVENTS if e != "report"]
# Reference §8 bank holidays: 25-26 Dec 2025, 1 Jan 2026, 3 and 6 Apr 2026.
AROUND_BANK_HOLIDAYS = st.dates(min_value=date(2025, 12, 1), max_value=date(2026, 4, 30))


@pytest.mark.parametrize(
    "holiday", [date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6)]
)
def test_the_reference_bank_holidays_are_known(holiday: date) -> None:
    assert is_bank_holiday(holiday)


@pytest.mark.parametrize(
    ("example", "event", "occurred", "enhanced", "due"),
    [
        ("§8 #4 charge, enhanced", "charge", date(2025, 12, 19), True, date(2025, 12, 22)),
        ("§8 #4 charge, standard", "charge", date(2025, 12, 19), False, date(2025, 12, 30)),
        ("§8 #5 support referral", "report", date(2025, 12, 23), False, date(2025, 12, 29)),
        ("§8 #5 referral is 2 days for enhanced too", "report", date(2025, 12, 23), True, date(2025, 12, 29)),
        ("§8 #1 Right 6 update, enhanced", "arrest", date(2026, 3, 10), True, date(2026, 3, 11)),
        ("arrest on Christmas Eve, enhanced", "arrest", date(2025, 12, 24), True, date(2025, 12, 29)),
        ("NFA on New Year's Eve, enhanced", "nfa", date(2025, 12, 31), True, date(2026, 1, 2)),
        ("RUI before Easter, enhanced", "rui", date(2026, 4, 2), True, date(2026, 4, 7)),
        ("bail change before Easter, standard", "bail-change", date(2026, 4, 1), False, date(2026, 4, 10)),
        ("event on a Saturday, enhanced", "interview", date(2026, 1, 10), True, date(2026, 1, 12)),
    ],
)
def test_worked_examples(
    policy: Policy, example: str, event: str, occurred: date, enhanced: bool, due: date
) -> None:
    assert victim_deadline(event, occurred, enhanced, policy=policy).due == due, example


def test_the_basis_names_the_right_and_the_policy_key(policy: Policy) -> None:
    basis = victim_deadline("charge", date(2025, 12, 19), True, policy=policy).basis
    assert "Right 6" in basis
    assert "victims.enhanced_update_working_days" in basis
    assert "day 0" in basis


def test_an_unknown_event_lists_the_valid_ones(policy: Policy) -> None:
    with pytest.raises(ValueError, match="decision-not-to-investigate"):
        victim_deadline("caution", date(2026, 1, 5), True, policy=policy)


def test_regular_updates_default_to_every_28_days(policy: Policy) -> None:
    assert next_update_due(date(2026, 1, 5), policy=policy).due == date(2026, 2, 2)
    assert next_update_due(date(2026, 1, 5), 7, policy=policy).due == date(2026, 1, 12)


@given(AROUND_BANK_HOLIDAYS, st.sampled_from(UPDATE_EVENTS), st.booleans())
def test_a_deadline_is_always_a_working_day_after_the_event(
    occurred: date, event: str, enhanced: bool
) -> None:
    due = victim_deadline(event, occurred, enhanced, policy=current_policy()).due
    assert is_working_day(due)
    assert not is_bank_holiday(due)
    assert due > occurred


@given(AROUND_BANK_HOLIDAYS, st.sampled_from(UPDATE_EVENTS))
def test_an_enhanced_victim_is_never_told_later_than_a_standard_one(occurred: date, event: str) -> None:
    policy = current_policy()
    assert (
        victim_deadline(event, occurred, True, policy=policy).due
        <= victim_deadline(event, occurred, False, policy=policy).due
    )


@given(AROUND_BANK_HOLIDAYS, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=40))
def test_working_day_arithmetic_is_monotone_in_n(start: date, n: int, m: int) -> None:
    low, high = sorted((n, m))
    assert add_working_days(start, low) <= add_working_days(start, high)
    if low < high:
        assert add_working_days(start, low) < add_working_days(start, high)


@given(AROUND_BANK_HOLIDAYS, st.integers(min_value=1, max_value=40))
def test_n_working_days_later_has_exactly_n_working_days_in_between(start: date, n: int) -> None:
    due = add_working_days(start, n)
    days = [start + timedelta(days=i) for i in range(1, (due - start).days + 1)]
    assert sum(is_working_day(d) for d in days) == n
    assert is_working_day(due)


def test_the_support_referral_basis_says_the_victim_is_referred_not_told(policy: Policy) -> None:
    basis = victim_deadline("report", date(2025, 12, 23), False, policy=policy).basis
    assert "every victim referred to victim support services, unless they decline, within 2 working" in basis
    assert "told of" not in basis
