from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custos.core.policy import Policy, current_policy
from custos.core.workingdays import is_working_day
from custos.investigations.rules import first_review_due, next_review_due, review_status

RANKS = ["constable", "sergeant", "inspector", "chief-inspector", "superintendent"]


@pytest.mark.parametrize(
    ("allocated", "due"),
    [
        (date(2025, 12, 19), date(2025, 12, 22)),  # Friday -> Monday
        (date(2025, 12, 24), date(2025, 12, 29)),  # over Christmas and Boxing Day
        (date(2025, 12, 31), date(2026, 1, 2)),  # over New Year's Day
        (date(2026, 4, 2), date(2026, 4, 7)),  # over Good Friday and Easter Monday
    ],
)
def test_first_review_within_one_working_day_of_allocation(
    policy: Policy, allocated: date, due: date
) -> None:
    assert first_review_due(allocated, policy=policy).due == due


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_the_first_review_always_falls_on_a_working_day_after_allocation(allocated: date) -> None:
    due = first_review_due(allocated, policy=current_policy()).due
    assert is_working_day(due)
    assert due > allocated


@pytest.mark.parametrize(("tier", "days"), [("T1", 28), ("T2", 14), ("T3", 14)])
def test_reviews_repeat_every_28_days_for_t1_and_14_above(policy: Policy, tier: str, days: int) -> None:
    assert next_review_due(date(2026, 1, 5), tier, policy=policy).due == date(2026, 1, 5) + timedelta(
        days=days
    )


def test_the_reviewer_may_set_an_earlier_date_but_not_a_later_one(policy: Policy) -> None:
    assert next_review_due(date(2026, 1, 5), "T2", requested=date(2026, 1, 9), policy=policy).due == date(
        2026, 1, 9
    )
    assert next_review_due(date(2026, 1, 5), "T2", requested=date(2026, 3, 1), policy=policy).due == date(
        2026, 1, 19
    )


def test_an_overdue_review_escalates_to_the_next_rank() -> None:
    status = review_status(date(2026, 1, 5), date(2026, 1, 8), supervisor_rank="sergeant", rank_order=RANKS)
    assert status.overdue
    assert status.days_overdue == 3
    assert status.escalate_to == "inspector"


def test_a_review_due_today_is_not_overdue() -> None:
    status = review_status(date(2026, 1, 5), date(2026, 1, 5), supervisor_rank="sergeant", rank_order=RANKS)
    assert not status.overdue
    assert status.escalate_to is None


def test_the_most_senior_rank_has_nobody_above() -> None:
    status = review_status(
        date(2026, 1, 5), date(2026, 2, 1), supervisor_rank="superintendent", rank_order=RANKS
    )
    assert status.overdue
    assert status.escalate_to is None


def test_an_unknown_rank_is_refused() -> None:
    with pytest.raises(ValueError, match="not in the rank order"):
        review_status(date(2026, 1, 5), date(2026, 1, 8), supervisor_rank="captain", rank_order=RANKS)
