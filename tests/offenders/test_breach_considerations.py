"""s.91: a missed deadline yields a breach consideration with its basis."""

from __future__ import annotations

from datetime import date

from custos.core.policy import Policy
from custos.offenders.rules import (
    Change,
    NotificationEvent,
    NotificationKind,
    annual_notification,
    change_notification,
    initial_notification,
    missed_notifications,
)


def test_a_notification_in_time_is_no_breach() -> None:
    deadline = change_notification(Change.HOME_ADDRESS, date(2024, 4, 10))
    events = [NotificationEvent(NotificationKind.CHANGE, date(2024, 4, 11))]
    assert missed_notifications([deadline], events, as_of=date(2024, 6, 1)) == ()


def test_no_notification_after_the_deadline_is_a_continuing_breach() -> None:
    deadline = change_notification(Change.HOME_ADDRESS, date(2024, 4, 10))
    (found,) = missed_notifications([deadline], [], as_of=date(2024, 4, 20))
    assert found.deadline is deadline
    assert found.notified_late_on is None
    assert found.days_overdue == 8
    assert "s.91(1)(a)" in found.basis
    assert "s.84(1)" in found.basis


def test_a_late_notification_is_still_considered() -> None:
    deadline = initial_notification(date(2020, 3, 1)).deadline
    assert deadline is not None
    (found,) = missed_notifications(
        [deadline], [NotificationEvent(NotificationKind.INITIAL, date(2020, 3, 6))], as_of=date(2020, 4, 1)
    )
    assert found.notified_late_on == date(2020, 3, 6)
    assert found.days_overdue == 3


def test_nothing_is_missed_before_the_deadline_passes() -> None:
    deadline = change_notification(Change.NAME, date(2024, 4, 10))
    assert missed_notifications([deadline], [], as_of=date(2024, 4, 12)) == ()


def test_a_missed_annual_notification_is_found(policy: Policy) -> None:
    events = [
        NotificationEvent(NotificationKind.ANNUAL, date(2023, 5, 1)),
        NotificationEvent(NotificationKind.FOREIGN_TRAVEL, date(2024, 5, 1)),
    ]
    annual = annual_notification(events, policy=policy)
    (found,) = missed_notifications([annual], events, as_of=date(2024, 5, 10))
    assert "s.85(1)" in found.basis


def test_a_notification_of_another_kind_does_not_satisfy_the_deadline() -> None:
    deadline = change_notification(Change.HOME_ADDRESS, date(2024, 4, 10))
    events = [NotificationEvent(NotificationKind.FOREIGN_TRAVEL, date(2024, 4, 11))]
    assert len(missed_notifications([deadline], events, as_of=date(2024, 5, 1))) == 1
