"""Foreign travel (worked example 8) and households with a child (SI 2012/1876 reg 10)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from custos.core.policy import Policy
from custos.offenders.rules import foreign_travel, household_with_child
from custos.offenders.rules.travel import RETURN_BEFORE_DEPARTURE

DEPARTURE = datetime(2024, 8, 15, 9, 0)


def test_travel_is_notified_seven_days_before_departure(policy: Policy) -> None:
    trip = foreign_travel(DEPARTURE, policy=policy)
    assert trip.notice.due == date(2024, 8, 8)
    assert trip.notice.due_at == datetime(2024, 8, 8, 9, 0)
    assert trip.notice.policy_version == policy.version


def test_late_booking_must_be_notified_12_hours_before_departure(policy: Policy) -> None:
    trip = foreign_travel(DEPARTURE, details_known_at=datetime(2024, 8, 13, 10, 0), policy=policy)
    assert trip.notice.due_at == datetime(2024, 8, 14, 21, 0)
    assert "foreign_travel_late_hours_before" in trip.notice.basis


def test_details_known_in_good_time_keep_the_seven_day_rule(policy: Policy) -> None:
    trip = foreign_travel(DEPARTURE, details_known_at=datetime(2024, 7, 1, 10, 0), policy=policy)
    assert trip.notice.due == date(2024, 8, 8)


def test_changed_details_are_notified_24_hours_before(policy: Policy) -> None:
    trip = foreign_travel(DEPARTURE, changed_at=datetime(2024, 8, 10, 12, 0), policy=policy)
    assert trip.change is not None
    assert trip.change.due_at == datetime(2024, 8, 14, 9, 0)


def test_unnotified_return_is_notified_within_three_days(policy: Policy) -> None:
    trip = foreign_travel(DEPARTURE, return_on=date(2024, 8, 22), return_pre_notified=False, policy=policy)
    assert trip.return_notice is not None
    assert trip.return_notice.due == date(2024, 8, 24)
    assert foreign_travel(DEPARTURE, return_on=date(2024, 8, 22), policy=policy).return_notice is None


def test_return_before_departure_is_refused(policy: Policy) -> None:
    with pytest.raises(ValueError, match=RETURN_BEFORE_DEPARTURE):
        foreign_travel(DEPARTURE, return_on=date(2024, 8, 1), policy=policy)


@pytest.mark.parametrize(
    ("end", "child", "required"),
    [
        (datetime(2024, 3, 1, 20, 0), True, True),  # exactly 12 hours
        (datetime(2024, 3, 1, 19, 59), True, False),
        (None, True, True),  # residing
        (datetime(2024, 3, 2, 20, 0), False, False),
    ],
)
def test_household_with_child_needs_12_hours_and_a_child(
    end: datetime | None, child: bool, required: bool, policy: Policy
) -> None:
    result = household_with_child(
        datetime(2024, 3, 1, 8, 0), end, child_under_18_present=child, policy=policy
    )
    assert result.required is required
    if required:
        assert result.deadline is not None
        assert result.deadline.due == date(2024, 3, 3)
        assert "reg 10" in result.deadline.basis
