"""s.83 initial, s.84 change and s.85 annual notifications: worked examples 1, 3, 6 and 7."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custos.core.policy import Policy, current_policy
from custos.offenders.rules import (
    AwayKind,
    AwayPeriod,
    Change,
    Conviction,
    Disposal,
    NotificationEvent,
    NotificationKind,
    Stay,
    advance_notice,
    annual_notification,
    change_notification,
    initial_notification,
    notification_period,
    qualifying_period,
    weekly_notification,
)
from custos.offenders.rules.dates import days_beginning_with, days_beginning_with_disregarding
from custos.offenders.rules.periodic import NO_RESETTING_NOTIFICATION


def test_three_days_beginning_with_counts_the_first_day() -> None:
    assert days_beginning_with(date(2024, 4, 10), 3) == date(2024, 4, 12)


def test_initial_notification_example_1_is_compliant() -> None:
    result = initial_notification(date(2020, 3, 1))
    assert result.required
    assert result.deadline is not None
    assert result.deadline.due == date(2020, 3, 3)
    assert date(2020, 3, 2) <= result.deadline.due
    assert "s.83(1)" in result.basis


def test_custody_is_disregarded_example_3() -> None:
    remand = AwayPeriod(AwayKind.CUSTODY, date(2020, 3, 1), date(2021, 3, 1))
    result = initial_notification(date(2020, 3, 1), away=[remand])
    assert result.deadline is not None
    assert result.deadline.due == date(2021, 3, 3)
    assert "s.83(6)" in result.deadline.basis


def test_custody_does_not_move_the_end_of_the_period_example_3(policy: Policy) -> None:
    period = notification_period(
        Conviction(date(2020, 3, 1), Disposal.IMPRISONMENT, months=Decimal(24)),
        date_of_birth=date(1990, 1, 1),
        policy=policy,
    )
    assert period.last_day == date(2030, 2, 28)


def test_a_day_abroad_inside_the_three_days_pushes_the_deadline_one_day() -> None:
    trip = AwayPeriod(AwayKind.ABROAD, date(2024, 4, 11), date(2024, 4, 12))
    assert days_beginning_with_disregarding(date(2024, 4, 10), 3, [trip]) == date(2024, 4, 13)


def test_still_in_custody_suspends_the_deadline() -> None:
    result = initial_notification(date(2020, 3, 1), away=[AwayPeriod(AwayKind.CUSTODY, date(2020, 3, 1))])
    assert result.required
    assert result.deadline is not None
    assert result.deadline.due is None
    assert "suspended" in result.deadline.note


def test_initial_notification_is_not_required_when_already_subject_and_notified() -> None:
    result = initial_notification(date(2023, 1, 1), already_subject_and_notified=True)
    assert not result.required
    assert result.deadline is None
    assert "s.83(2)" in result.basis


def test_address_change_example_6(policy: Policy) -> None:
    deadline = change_notification(Change.HOME_ADDRESS, date(2024, 4, 10))
    assert deadline.due == date(2024, 4, 12)
    assert "s.84(1)(b)" in deadline.basis
    annual = annual_notification(
        [NotificationEvent(NotificationKind.CHANGE, date(2024, 4, 11))], policy=policy
    )
    assert annual.due == date(2025, 4, 11)


def test_release_is_a_change_to_notify() -> None:
    assert change_notification(Change.RELEASE, date(2024, 1, 5)).due == date(2024, 1, 7)


@pytest.mark.parametrize(
    ("happened_on", "as_of", "covered", "kinds", "dues"),
    [
        (date(2024, 5, 17), date(2024, 5, 17), False, ["change"], [date(2024, 5, 19)]),
        (date(2024, 5, 18), date(2024, 5, 18), True, [], []),
        (date(2024, 5, 22), date(2024, 5, 22), True, [], []),
        (None, date(2024, 5, 22), True, [], []),
        (None, date(2024, 5, 23), False, ["non-occurrence"], [date(2024, 5, 25)]),
        (
            date(2024, 5, 24),
            date(2024, 5, 24),
            False,
            ["non-occurrence", "change"],
            [date(2024, 5, 25), date(2024, 5, 26)],
        ),
    ],
)
def test_advance_notice_example_7(
    happened_on: date | None, as_of: date, covered: bool, kinds: list[str], dues: list[date]
) -> None:
    result = advance_notice(date(2024, 5, 20), happened_on=happened_on, as_of=as_of)
    assert result.covered is covered
    assert [d.kind.value for d in result.obligations] == kinds
    assert [d.due for d in result.obligations] == dues


def test_a_single_seven_day_stay_is_a_qualifying_period() -> None:
    result = qualifying_period([Stay(date(2024, 3, 1), date(2024, 3, 7))])
    assert result.completed_on == date(2024, 3, 7)
    assert result.deadline is not None
    assert result.deadline.due == date(2024, 3, 9)
    assert "s.84(6)" in result.basis


def test_short_stays_totalling_seven_days_within_12_months_qualify() -> None:
    stays = [
        Stay(date(2024, 1, 5), date(2024, 1, 7)),
        Stay(date(2024, 6, 1), date(2024, 6, 2)),
        Stay(date(2024, 12, 20), date(2024, 12, 21)),
    ]
    result = qualifying_period(stays)
    assert result.completed_on == date(2024, 12, 21)
    assert result.days_in_window == 7


def test_stays_more_than_12_months_apart_do_not_add_up() -> None:
    stays = [Stay(date(2023, 1, 1), date(2023, 1, 4)), Stay(date(2024, 1, 2), date(2024, 1, 4))]
    result = qualifying_period(stays)
    assert result.completed_on is None
    assert result.deadline is None
    assert result.days_in_window == 4  # the best any 12 months holds: 2023-01-04 and 2024-01-02..04


def test_a_window_of_12_months_ending_on_the_seventh_day_counts_its_first_day() -> None:
    stays = [Stay(date(2023, 1, 3), date(2023, 1, 6)), Stay(date(2024, 1, 1), date(2024, 1, 3))]
    # 12 months ending 2024-01-03 begin 2023-01-04: 3 days then, 3 now = 6; one short.
    assert qualifying_period(stays).completed_on is None
    stays.append(Stay(date(2023, 12, 31), date(2023, 12, 31)))
    assert qualifying_period(stays).completed_on == date(2024, 1, 2)  # window from 2023-01-03: 4 + 1 + 2


def test_six_days_is_not_a_qualifying_period() -> None:
    assert qualifying_period([Stay(date(2024, 3, 1), date(2024, 3, 6))]).completed_on is None


def test_annual_runs_from_the_initial_notification_example_1(policy: Policy) -> None:
    annual = annual_notification(
        [NotificationEvent(NotificationKind.INITIAL, date(2020, 3, 2))], policy=policy
    )
    assert annual.due == date(2021, 3, 2)
    assert annual.alert_from == date(2021, 3, 2) - timedelta(days=14)
    assert annual.policy_version == policy.version
    assert "s.85(1)" in annual.basis
    assert "(the last: the initial notification on 2020-03-02)" in annual.basis  # not "a initial"


@pytest.mark.parametrize(
    "kind", [NotificationKind.INFO_2012, NotificationKind.FOREIGN_TRAVEL, NotificationKind.HOUSEHOLD]
)
def test_2012_information_and_foreign_travel_do_not_reset_the_year(
    kind: NotificationKind, policy: Policy
) -> None:
    events = [
        NotificationEvent(NotificationKind.ANNUAL, date(2023, 5, 1)),
        NotificationEvent(kind, date(2023, 9, 1)),
    ]
    assert annual_notification(events, policy=policy).due == date(2024, 5, 1)


def test_a_change_notification_resets_the_year(policy: Policy) -> None:
    events = [
        NotificationEvent(NotificationKind.ANNUAL, date(2023, 5, 1)),
        NotificationEvent(NotificationKind.CHANGE, date(2023, 9, 1)),
    ]
    assert annual_notification(events, policy=policy).due == date(2024, 9, 1)


def test_a_29_february_notification_is_due_on_28_february(policy: Policy) -> None:
    annual = annual_notification(
        [NotificationEvent(NotificationKind.ANNUAL, date(2024, 2, 29))], policy=policy
    )
    assert annual.due == date(2025, 2, 28)


def test_a_year_ending_in_custody_is_extended_to_three_days_from_release(policy: Policy) -> None:
    custody = AwayPeriod(AwayKind.CUSTODY, date(2024, 4, 1), date(2024, 6, 10))
    annual = annual_notification(
        [NotificationEvent(NotificationKind.ANNUAL, date(2023, 5, 1))], away=[custody], policy=policy
    )
    assert annual.due == date(2024, 6, 12)
    assert "s.85(3)-(4)" in annual.basis


def test_a_year_ending_abroad_with_no_return_yet_is_suspended(policy: Policy) -> None:
    abroad = AwayPeriod(AwayKind.ABROAD, date(2024, 4, 25))
    annual = annual_notification(
        [NotificationEvent(NotificationKind.ANNUAL, date(2023, 5, 1))], away=[abroad], policy=policy
    )
    assert annual.due is None
    assert annual.note


def test_no_fixed_abode_notifies_weekly(policy: Policy) -> None:
    weekly = weekly_notification(
        [NotificationEvent(NotificationKind.WEEKLY, date(2024, 3, 4))], policy=policy
    )
    assert weekly.due == date(2024, 3, 11)
    assert "no_fixed_abode_days" in weekly.basis


NOTIFICATIONS = st.lists(
    st.builds(
        NotificationEvent,
        kind=st.sampled_from(list(NotificationKind)),
        on=st.dates(min_value=date(2012, 8, 13), max_value=date(2040, 1, 1)),
    ),
    min_size=1,
    max_size=8,
)
AWAY = st.lists(
    st.builds(
        lambda kind, start, days: AwayPeriod(kind, start, start + timedelta(days=days)),
        st.sampled_from(list(AwayKind)),
        st.dates(min_value=date(2012, 8, 13), max_value=date(2041, 1, 1)),
        st.integers(min_value=1, max_value=400),
    ),
    max_size=3,
)


@given(events=NOTIFICATIONS, away=AWAY)
def test_annual_deadline_is_never_before_the_last_resetting_notification(
    events: list[NotificationEvent], away: list[AwayPeriod]
) -> None:
    resetting = [
        e.on
        for e in events
        if e.kind in {NotificationKind.INITIAL, NotificationKind.CHANGE, NotificationKind.ANNUAL}
    ]
    if not resetting:
        with pytest.raises(ValueError, match=re.escape(NO_RESETTING_NOTIFICATION)):
            annual_notification(events, away=away, policy=current_policy())
        return
    annual = annual_notification(events, away=away, policy=current_policy())
    if annual.due is not None:
        assert annual.due > max(resetting)
        assert annual.due >= max(resetting) + timedelta(days=365)


@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 1, 1)), away=AWAY)
def test_disregarded_time_never_brings_a_deadline_forward(start: date, away: list[AwayPeriod]) -> None:
    plain = days_beginning_with(start, 3)
    extended = days_beginning_with_disregarding(start, 3, away)
    assert extended is not None
    assert extended >= plain
