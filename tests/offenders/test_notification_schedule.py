"""All of one offender's deadlines together, fed to the s.91 check (what the sweep does)."""

from __future__ import annotations

from datetime import date

from custos.core.policy import Policy
from custos.offenders.rules import (
    Change,
    NotificationEvent,
    NotificationKind,
    missed_notifications,
    notification_deadlines,
)


def test_a_compliant_offender_has_no_missed_deadline(policy: Policy) -> None:
    events = [
        NotificationEvent(NotificationKind.INITIAL, date(2020, 3, 2)),
        NotificationEvent(NotificationKind.CHANGE, date(2021, 1, 11)),
    ]
    deadlines = notification_deadlines(
        relevant_date=date(2020, 3, 1),
        events=events,
        changes=[(Change.HOME_ADDRESS, date(2021, 1, 10))],
        policy=policy,
    )
    assert [d.kind for d in deadlines] == [
        NotificationKind.INITIAL,
        NotificationKind.CHANGE,
        NotificationKind.ANNUAL,
    ]
    assert deadlines[-1].due == date(2022, 1, 11)
    assert missed_notifications(deadlines, events, as_of=date(2021, 6, 1)) == ()


def test_a_missed_annual_and_an_unnotified_move_are_both_found(policy: Policy) -> None:
    events = [NotificationEvent(NotificationKind.INITIAL, date(2020, 3, 2))]
    deadlines = notification_deadlines(
        relevant_date=date(2020, 3, 1),
        events=events,
        changes=[(Change.HOME_ADDRESS, date(2021, 6, 1))],
        policy=policy,
    )
    missed = missed_notifications(deadlines, events, as_of=date(2021, 7, 1))
    assert {m.deadline.kind for m in missed} == {NotificationKind.CHANGE, NotificationKind.ANNUAL}


def test_no_fixed_abode_is_weekly_instead_of_annual(policy: Policy) -> None:
    events = [
        NotificationEvent(NotificationKind.INITIAL, date(2024, 3, 1)),
        NotificationEvent(NotificationKind.WEEKLY, date(2024, 3, 8)),
    ]
    deadlines = notification_deadlines(
        relevant_date=date(2024, 3, 1), events=events, no_fixed_abode=True, policy=policy
    )
    assert deadlines[-1].kind is NotificationKind.WEEKLY
    assert deadlines[-1].due == date(2024, 3, 15)
    assert NotificationKind.ANNUAL not in {d.kind for d in deadlines}
    (missed,) = missed_notifications(deadlines, events, as_of=date(2024, 3, 20))
    assert missed.deadline.kind is NotificationKind.WEEKLY


def test_before_the_first_notification_only_the_initial_deadline_exists(policy: Policy) -> None:
    deadlines = notification_deadlines(relevant_date=date(2024, 3, 1), events=[], policy=policy)
    assert [d.kind for d in deadlines] == [NotificationKind.INITIAL]
