"""Initial (s.83) and change (s.84) notifications, with time in custody, hospital or abroad disregarded."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .common import Deadline, NotificationKind
from .dates import AwayPeriod, add_months_clamped, days_beginning_with, days_beginning_with_disregarding

NOTIFY_DAYS = 3  # s.83(1), s.84(1): "3 days beginning with"
NON_OCCURRENCE_DAYS = 6  # s.84(4)(b): "6 days beginning with" the expected date
ADVANCE_TOLERANCE_DAYS = 2  # s.84(3): an event more than 2 days before the expected date is not covered
QUALIFYING_DAYS = 7  # s.84(6)
QUALIFYING_WINDOW_MONTHS = 12  # s.84(6)(b): "in any period of 12 months"

DISREGARD = "time in custody, in hospital or outside the UK disregarded, s.83(6)"
STAY_ENDS_BEFORE_IT_STARTS = "a stay cannot end before it starts"


@dataclass(frozen=True)
class InitialNotification:
    """Whether s.83(1) requires an initial notification and by when."""

    required: bool
    deadline: Deadline | None
    basis: str


def initial_notification(
    relevant_date: date,
    *,
    away: Sequence[AwayPeriod] = (),
    already_subject_and_notified: bool = False,
) -> InitialNotification:
    """s.83(1): notify within 3 days beginning with the relevant date, disregarding time away (s.83(6)).

    Not required when the offender is already subject under an earlier event, has notified under it and
    that period still runs (s.83(2)). While the offender is still in custody the deadline is suspended.
    """
    if already_subject_and_notified:
        return InitialNotification(
            required=False,
            deadline=None,
            basis="SOA 2003 s.83(2): already subject to the requirements and notified under the earlier "
            "event",
        )
    due = days_beginning_with_disregarding(relevant_date, NOTIFY_DAYS, away)
    basis = f"SOA 2003 s.83(1): 3 days beginning with the relevant date; {DISREGARD}"
    note = "" if due is not None else "suspended: still in custody, in hospital or abroad"
    return InitialNotification(
        required=True,
        deadline=Deadline(
            kind=NotificationKind.INITIAL, due=due, basis=basis, opens=relevant_date, note=note
        ),
        basis=basis,
    )


class Change(StrEnum):
    """The events in s.84(1) that must be notified."""

    NAME = "name"  # s.84(1)(a)
    HOME_ADDRESS = "home-address"  # s.84(1)(b)
    PRESCRIBED = "prescribed"  # s.84(1)(ca): a prescribed change of circumstances
    QUALIFYING_PERIOD = "qualifying-period"  # s.84(1)(c)
    RELEASE = "release"  # s.84(1)(d): release from custody or hospital


CHANGE_BASIS = {
    Change.NAME: "SOA 2003 s.84(1)(a): use of a name not notified",
    Change.HOME_ADDRESS: "SOA 2003 s.84(1)(b): change of home address",
    Change.PRESCRIBED: "SOA 2003 s.84(1)(ca): prescribed change of circumstances",
    Change.QUALIFYING_PERIOD: "SOA 2003 s.84(1)(c), s.84(6) qualifying period at an unnotified address",
    Change.RELEASE: "SOA 2003 s.84(1)(d): release from custody or detention in hospital",
}


def change_notification(change: Change, event_date: date, *, away: Sequence[AwayPeriod] = ()) -> Deadline:
    """s.84(1): notify within 3 days beginning with the event, disregarding time away (s.84(5), s.83(6))."""
    due = days_beginning_with_disregarding(event_date, NOTIFY_DAYS, away)
    return Deadline(
        kind=NotificationKind.CHANGE,
        due=due,
        basis=f"{CHANGE_BASIS[change]}; 3 days beginning with the event; {DISREGARD} (s.84(5))",
        opens=event_date,
        note="" if due is not None else "suspended: still in custody, in hospital or abroad",
    )


@dataclass(frozen=True)
class Stay:
    """Days spent at one unnotified UK address, first and last day inclusive."""

    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError(STAY_ENDS_BEFORE_IT_STARTS)


@dataclass(frozen=True)
class QualifyingPeriod:
    """When stays at an unnotified address add up to a qualifying period (s.84(6)), and the deadline."""

    completed_on: date | None
    days_in_window: int
    window_start: date | None
    deadline: Deadline | None
    basis: str


def qualifying_period(stays: Sequence[Stay], *, away: Sequence[AwayPeriod] = ()) -> QualifyingPeriod:
    """s.84(6): 7 days, or two or more periods in any 12 months that together amount to 7 days.

    Counted in calendar days stayed. The qualifying period is completed on the first day on which the
    days stayed in the 12 months ending with that day reach 7; the s.84(1)(c) deadline runs from it.
    """
    basis = (
        "SOA 2003 s.84(1)(c), s.84(6) qualifying period: 7 days, or two or more periods in any 12 months "
        "totalling 7 days"
    )
    days: list[date] = []  # the distinct days stayed, in order, generated only until the period completes
    lo = 0
    best = 0
    for hi, day in enumerate(_days_stayed(stays)):
        days.append(day)
        window_start = add_months_clamped(day, -QUALIFYING_WINDOW_MONTHS) + timedelta(days=1)
        while days[lo] < window_start:
            lo += 1
        best = max(best, hi - lo + 1)
        if best >= QUALIFYING_DAYS:
            return QualifyingPeriod(
                completed_on=day,
                days_in_window=best,
                window_start=window_start,
                deadline=change_notification(Change.QUALIFYING_PERIOD, day, away=away),
                basis=basis,
            )
    return QualifyingPeriod(
        completed_on=None, days_in_window=best, window_start=None, deadline=None, basis=basis
    )


def _days_stayed(stays: Sequence[Stay]) -> Iterator[date]:
    """Each distinct calendar day covered by the stays, in order, lazily: a regular address stayed at for
    years completes its qualifying period within a week, so the sweep never walks the rest of it."""
    end: date | None = None  # the last day already yielded
    for stay in sorted(stays, key=lambda s: s.first_day):
        day = stay.first_day if end is None else max(stay.first_day, end + timedelta(days=1))
        while day <= stay.last_day:
            yield day
            end = day
            day += timedelta(days=1)


@dataclass(frozen=True)
class AdvanceNotice:
    """The effect of notifying a change in advance for an expected date (s.84(2)-(4))."""

    expected: date
    covered: bool
    obligations: tuple[Deadline, ...]
    basis: str


def advance_notice(
    expected: date,
    *,
    happened_on: date | None,
    as_of: date,
    away: Sequence[AwayPeriod] = (),
) -> AdvanceNotice:
    """Check an advance notification of a change expected on ``expected`` (D).

    * The event happens more than 2 days before D: the advance notice does not count; notify within 3
      days beginning with the event (s.84(3)).
    * The event has not happened by the end of 3 days beginning with D: notify that fact within 6 days
      beginning with D (s.84(4)(b)); the change itself must still be notified when it happens.
    """
    last_covered_day = days_beginning_with(expected, NOTIFY_DAYS)
    obligations: list[Deadline] = []
    covered = True
    if happened_on is not None and happened_on < expected - timedelta(days=ADVANCE_TOLERANCE_DAYS):
        covered = False
        due = days_beginning_with_disregarding(happened_on, NOTIFY_DAYS, away)
        obligations.append(
            Deadline(
                kind=NotificationKind.CHANGE,
                due=due,
                basis="SOA 2003 s.84(3): the event occurred more than 2 days before the notified date, so "
                f"the advance notice does not count; s.84(1) 3 days beginning with the event; {DISREGARD}",
                opens=happened_on,
            )
        )
    elif (happened_on is None and as_of > last_covered_day) or (
        happened_on is not None and happened_on > last_covered_day
    ):
        due = days_beginning_with_disregarding(expected, NON_OCCURRENCE_DAYS, away)
        obligations.append(
            Deadline(
                kind=NotificationKind.NON_OCCURRENCE,
                due=due,
                basis="SOA 2003 s.84(4)(b): the event had not occurred by the end of 3 days beginning with "
                f"the notified date; notify that within 6 days beginning with it; {DISREGARD} (s.84(5))",
                opens=last_covered_day + timedelta(days=1),
            )
        )
        covered = False
        if happened_on is not None:
            obligations.append(
                Deadline(
                    kind=NotificationKind.CHANGE,
                    due=days_beginning_with_disregarding(happened_on, NOTIFY_DAYS, away),
                    basis="SOA 2003 s.84(4)(a): the change itself must still be notified; s.84(1) 3 days "
                    f"beginning with the event; {DISREGARD}",
                    opens=happened_on,
                )
            )
    return AdvanceNotice(
        expected=expected,
        covered=covered,
        obligations=tuple(obligations),
        basis="SOA 2003 s.84(2)-(4): advance notification of an expected change",
    )
