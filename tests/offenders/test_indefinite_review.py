"""Review of indefinite notification requirements, s.91A-F."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custos.core.policy import Policy
from custos.offenders.rules import (
    PreventiveOrder,
    further_qualifying_date,
    review_eligibility,
    review_qualifying_date,
    review_timetable,
)


@pytest.mark.parametrize(
    ("indefinite", "orders", "eligible"),
    [
        (True, [], True),
        (False, [], False),
        (True, [PreventiveOrder.SHPO], False),
        (True, [PreventiveOrder.INTERIM_SHPO], False),
        (True, [PreventiveOrder.SOPO], False),
        (True, [PreventiveOrder.INTERIM_SOPO], False),
    ],
)
def test_eligibility_needs_indefinite_requirements_and_no_order(
    indefinite: bool, orders: list[PreventiveOrder], eligible: bool
) -> None:
    result = review_eligibility(indefinite=indefinite, orders=orders)
    assert result.eligible is eligible
    assert bool(result.reasons) is not eligible
    assert "s.91A(2)" in result.basis


@pytest.mark.parametrize(
    ("first", "under_18", "qualifying"),
    [
        (date(2012, 9, 1), False, date(2027, 9, 1)),
        (date(2012, 9, 1), True, date(2020, 9, 1)),
        (date(2016, 2, 29), False, date(2031, 3, 1)),
    ],
)
def test_qualifying_date_is_the_day_after_15_or_8_years(
    first: date, under_18: bool, qualifying: date
) -> None:
    result = review_qualifying_date(first, under_18=under_18)
    assert result.qualifying_date == qualifying
    assert "s.91B(2)" in result.basis


def test_further_review_date_after_refusal_is_8_years_on() -> None:
    result = further_qualifying_date(date(2028, 1, 20))
    assert result.qualifying_date == date(2036, 1, 20)
    assert "s.91B(3)" in result.basis


def test_decision_target_and_appeal_window(policy: Policy) -> None:
    t = review_timetable(
        date(2027, 9, 1),
        qualifying=date(2027, 9, 1),
        refusal_notice_received=date(2027, 11, 1),
        policy=policy,
    )
    assert t.decision_due == date(2027, 11, 23)  # 12 weeks beginning with receipt
    assert t.appeal_last_day == date(2027, 11, 21)  # 21 days beginning with receipt of the notice
    assert t.policy_version == policy.version


def test_an_application_before_the_qualifying_date_is_refused(policy: Policy) -> None:
    with pytest.raises(ValueError, match="qualifying date 2027-09-01"):
        review_timetable(date(2027, 8, 31), qualifying=date(2027, 9, 1), policy=policy)


@given(first=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 1, 1)))
def test_youth_qualifies_earlier_and_both_after_the_notification(first: date) -> None:
    adult = review_qualifying_date(first, under_18=False).qualifying_date
    youth = review_qualifying_date(first, under_18=True).qualifying_date
    assert first < youth < adult
