"""s.84 change notifications derived from the record and matched against s.84 notifications (pure rules)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custos.core.policy import Policy
from custos.offenders.rules import (
    AwayKind,
    AwayPeriod,
    Change,
    NotificationEvent,
    NotificationKind,
    Stay,
    advance_notice,
    annual_notification,
    change_notification,
)
from custos.offenders.rules.changes import (
    ChangeNotice,
    ChangeStatus,
    RecordedChange,
    change_obligations,
    covered_on,
    non_occurrence_obligations,
    prescribed_change,
    qualifying_stays,
    releases,
)

FIRST = date(2020, 3, 2)  # the s.83 initial notification of worked example 1


def _one(change: RecordedChange, notices: list[ChangeNotice], as_of: date, away: tuple = ()) -> object:
    (found,) = change_obligations([change], notices, first_notified_on=FIRST, as_of=as_of, away=away)
    return found


def test_worked_example_6_an_address_change_notified_next_day_is_in_time_and_resets_the_annual_date(
    policy: Policy,
) -> None:
    move = RecordedChange(Change.HOME_ADDRESS, date(2024, 4, 10), "home address 1 New Road")
    found = _one(move, [ChangeNotice(date(2024, 4, 11))], as_of=date(2024, 6, 1))
    assert found.deadline.due == date(2024, 4, 12)
    assert found.status is ChangeStatus.NOTIFIED and found.notified_on == date(2024, 4, 11)
    assert "s.84(1)(b)" in found.basis
    events = [
        NotificationEvent(NotificationKind.INITIAL, FIRST),
        NotificationEvent(NotificationKind.CHANGE, date(2024, 4, 11)),
    ]
    assert annual_notification(events, policy=policy).due == date(2025, 4, 11)


ADVANCE = ChangeNotice(date(2024, 5, 10), expected_on=date(2024, 5, 20))


@pytest.mark.parametrize(
    ("moved_on", "as_of", "status", "due", "notified_on"),
    [
        # more than 2 days before D: the advance notice does not count, due 3 days beginning with the move
        (date(2024, 5, 17), date(2024, 5, 18), ChangeStatus.OUTSTANDING, date(2024, 5, 19), None),
        (date(2024, 5, 17), date(2024, 5, 20), ChangeStatus.MISSED, date(2024, 5, 19), None),
        # within 2 days before D, on D, or by the end of 3 days beginning with D: covered
        (date(2024, 5, 18), date(2024, 6, 1), ChangeStatus.NOTIFIED, date(2024, 5, 20), date(2024, 5, 18)),
        (date(2024, 5, 20), date(2024, 6, 1), ChangeStatus.NOTIFIED, date(2024, 5, 22), date(2024, 5, 20)),
        (date(2024, 5, 22), date(2024, 6, 1), ChangeStatus.NOTIFIED, date(2024, 5, 24), date(2024, 5, 22)),
        # after the end of 3 days beginning with D: the change itself must still be notified (s.84(4)(a))
        (date(2024, 5, 23), date(2024, 6, 1), ChangeStatus.MISSED, date(2024, 5, 25), None),
    ],
)
def test_worked_example_7_advance_notice_covers_only_a_change_within_the_rules(
    moved_on: date, as_of: date, status: ChangeStatus, due: date, notified_on: date | None
) -> None:
    found = _one(RecordedChange(Change.HOME_ADDRESS, moved_on, "home"), [ADVANCE], as_of=as_of)
    assert (found.status, found.deadline.due, found.notified_on) == (status, due, notified_on)


def test_worked_example_7_no_move_by_the_third_day_must_be_reported_within_6_days() -> None:
    result = advance_notice(date(2024, 5, 20), happened_on=None, as_of=date(2024, 5, 23))
    (obligation,) = result.obligations
    assert obligation.kind is NotificationKind.NON_OCCURRENCE
    assert obligation.due == date(2024, 5, 25)


def test_a_notification_before_the_change_without_an_expected_date_covers_nothing() -> None:
    assert covered_on(date(2024, 4, 10), [ChangeNotice(date(2024, 4, 9))], as_of=date(2024, 5, 1)) is None


def test_a_late_notification_covers_the_change_but_is_still_a_s91_consideration() -> None:
    found = _one(
        RecordedChange(Change.NAME, date(2024, 4, 10), "name Jack Smith"),
        [ChangeNotice(date(2024, 4, 15))],
        as_of=date(2024, 5, 1),
    )
    assert found.status is ChangeStatus.NOTIFIED_LATE
    assert found.consideration is not None and found.consideration.days_overdue == 3
    assert "s.91(1)(a)" in found.consideration.basis and "s.84(1)(a)" in found.basis


def test_a_change_not_notified_after_its_deadline_is_missed() -> None:
    found = _one(RecordedChange(Change.HOME_ADDRESS, date(2024, 4, 10), "home"), [], as_of=date(2024, 4, 20))
    assert found.status is ChangeStatus.MISSED
    assert found.consideration is not None and found.consideration.notified_late_on is None


def test_custody_after_the_change_suspends_the_deadline() -> None:
    away = (AwayPeriod(AwayKind.CUSTODY, date(2024, 4, 11)),)
    found = _one(RecordedChange(Change.HOME_ADDRESS, date(2024, 4, 10), "home"), [], date(2024, 5, 1), away)
    assert found.status is ChangeStatus.SUSPENDED and found.deadline.due is None


def test_time_in_hospital_is_disregarded_in_the_three_days() -> None:
    away = (AwayPeriod(AwayKind.HOSPITAL, date(2024, 4, 11), date(2024, 4, 15)),)
    found = _one(RecordedChange(Change.HOME_ADDRESS, date(2024, 4, 10), "home"), [], date(2024, 4, 16), away)
    assert found.deadline.due == date(2024, 4, 16)
    assert found.status is ChangeStatus.OUTSTANDING


def test_changes_up_to_the_first_s83_notification_were_part_of_it_and_create_no_s84_duty() -> None:
    on_the_day = RecordedChange(Change.HOME_ADDRESS, FIRST, "home")
    before = RecordedChange(Change.NAME, FIRST - timedelta(days=400), "name")
    assert change_obligations([on_the_day, before], [], first_notified_on=FIRST, as_of=date(2024, 1, 1)) == ()
    assert (
        change_obligations([on_the_day], [], first_notified_on=None, as_of=date(2024, 1, 1)) == ()
    )  # no s.83 notification yet: s.83(1) governs


def test_a_change_recorded_for_a_future_date_is_not_yet_a_duty() -> None:
    future = RecordedChange(Change.HOME_ADDRESS, date(2024, 6, 1), "home")
    assert change_obligations([future], [], first_notified_on=FIRST, as_of=date(2024, 5, 1)) == ()


@pytest.mark.parametrize(
    ("stays", "completed_on"),
    [
        ([(date(2024, 1, 1), date(2024, 1, 7))], date(2024, 1, 7)),  # 7 days at once
        ([(date(2024, 1, 1), date(2024, 1, 3)), (date(2024, 9, 1), date(2024, 9, 4))], date(2024, 9, 4)),
        ([(date(2024, 1, 1), date(2024, 1, 3)), (date(2025, 2, 1), date(2025, 2, 4))], None),  # 13 months
        ([(date(2024, 1, 1), date(2024, 1, 6))], None),  # 6 days
    ],
)
def test_short_stays_reaching_7_days_in_12_months_are_a_qualifying_period(
    stays: list[tuple[date, date]], completed_on: date | None
) -> None:
    found = qualifying_stays({"3 B&B Parade": [Stay(a, b) for a, b in stays]})
    if completed_on is None:
        assert found == []
    else:
        (change,) = found
        assert change.change is Change.QUALIFYING_PERIOD and change.on == completed_on
        assert "s.84(6)" in change.basis


def test_a_prescribed_detail_is_a_change_with_its_policy_basis_and_others_are_not(policy: Policy) -> None:
    bank = prescribed_change("bank", date(2024, 4, 10), "bank account", policy=policy)
    assert bank is not None and bank.change is Change.PRESCRIBED
    assert bank.policy_version == policy.version
    assert "offenders.notification.prescribed_change_kinds" in bank.basis
    assert prescribed_change("vehicle", date(2024, 4, 10), "vehicle", policy=policy) is None
    assert prescribed_change("bank", None, "bank account", policy=policy) is None
    found = _one(bank, [], as_of=date(2024, 5, 1))
    assert found.policy_version == policy.version and "s.84(1)(ca)" in found.basis


def test_release_from_custody_or_hospital_is_a_change_but_returning_from_abroad_is_not() -> None:
    away = [
        AwayPeriod(AwayKind.CUSTODY, date(2023, 1, 1), date(2024, 3, 1)),
        AwayPeriod(AwayKind.ABROAD, date(2024, 4, 1), date(2024, 4, 8)),
        AwayPeriod(AwayKind.HOSPITAL, date(2024, 6, 1)),
    ]
    assert [(c.change, c.on) for c in releases(away)] == [(Change.RELEASE, date(2024, 3, 1))]


days = st.dates(min_value=date(2004, 1, 1), max_value=date(2040, 12, 31))
changes = st.sampled_from(list(Change))


@given(change=changes, event=days)
def test_without_time_away_the_deadline_is_the_last_of_3_days_beginning_with_the_event(
    change: Change, event: date
) -> None:
    assert change_notification(change, event).due == event + timedelta(days=2)


@given(
    change=changes,
    event=days,
    gaps=st.lists(st.tuples(st.integers(-20, 20), st.integers(0, 30)), max_size=3),
    notice_offset=st.integers(-10, 10),
    expected_offset=st.none() | st.integers(-5, 5),
)
def test_the_deadline_is_never_before_the_event_and_a_notification_never_predates_it(
    change: Change,
    event: date,
    gaps: list[tuple[int, int]],
    notice_offset: int,
    expected_offset: int | None,
) -> None:
    away = tuple(
        AwayPeriod(AwayKind.CUSTODY, event + timedelta(days=s), event + timedelta(days=s + n))
        for s, n in gaps
    )
    deadline = change_notification(change, event, away=away)
    assert deadline.due is None or deadline.due >= event + timedelta(days=2)
    notice = ChangeNotice(
        event + timedelta(days=notice_offset),
        None if expected_offset is None else event + timedelta(days=expected_offset),
    )
    (found,) = change_obligations(
        [RecordedChange(change, event, "x")],
        [notice],
        first_notified_on=event - timedelta(days=1),
        as_of=event + timedelta(days=400),
        away=away,
    )
    assert found.notified_on is None or found.notified_on >= event
    assert (found.status is ChangeStatus.MISSED) == (found.notified_on is None and deadline.due is not None)


@pytest.mark.parametrize(
    ("moved_on", "reports", "as_of", "expected"),
    [
        (None, [], date(2024, 5, 22), None),  # still within 3 days beginning with D: nothing owed yet
        (None, [], date(2024, 5, 23), (ChangeStatus.OUTSTANDING, date(2024, 5, 25))),
        (None, [], date(2024, 5, 26), (ChangeStatus.MISSED, date(2024, 5, 25))),
        (None, [date(2024, 5, 24)], date(2024, 6, 1), (ChangeStatus.NOTIFIED, date(2024, 5, 25))),
        (date(2024, 5, 18), [], date(2024, 6, 1), None),  # the change happened within the rules
        (date(2024, 5, 23), [], date(2024, 5, 24), (ChangeStatus.OUTSTANDING, date(2024, 5, 25))),
    ],
)
def test_worked_example_7_an_advance_notice_whose_change_did_not_happen_must_be_reported(
    moved_on: date | None, reports: list[date], as_of: date, expected: tuple[ChangeStatus, date] | None
) -> None:
    found = non_occurrence_obligations([ADVANCE], [moved_on] if moved_on else [], reports, as_of=as_of)
    if expected is None:
        assert found == ()
    else:
        (duty,) = found
        assert (duty.status, duty.deadline.due) == expected
        assert duty.deadline.kind is NotificationKind.NON_OCCURRENCE and "s.84(4)(b)" in duty.basis
        assert duty.label == "non-occurrence"
