"""s.84 change notifications derived from the record, and whether a recorded notification covers each.

The record holds the changes as dated facts (a name used from a date, a home address from a date, a
prescribed detail from a date, short stays, a release from custody or hospital). This module turns them
into s.84(1) obligations with :func:`change_notification` and :func:`qualifying_period`, matches them
against the recorded s.84 notifications, and reports a s.91 consideration through
:func:`missed_notifications`. Nothing here is stored: it is recomputed from the record each time.

Matching rule (which recorded notification covers a change on day E):

* A s.84 notification (``NotificationKind.CHANGE``) given on day N >= E covers it: s.84(1) requires the
  change to be notified after it happens, within 3 days beginning with E (time away disregarded, s.84(5)).
  Given after the deadline it still covers the change, late, and the late failure remains a s.91
  consideration (s.91(1)(a), continuing until notified).
* A s.84 notification given before E covers it only as advance notice (s.84(2)) of the expected date D
  recorded with it, and only when :func:`advance_notice` finds it covered: E is not more than 2 days before
  D (s.84(3)) and not after the end of 3 days beginning with D (s.84(4)). It then counts as given on E.
  Without an expected date a notification before the change covers nothing.
* One in-person notification reports every change that has happened by then (it states the current
  names, addresses and prescribed details), so one notification can cover several changes.
* A change on or before the first s.83 notification was part of that notification's content (s.83(5)), so
  it creates no s.84 duty. With no s.83 notification recorded, the s.83(1) deadline governs instead.

An advance notice whose change does not happen by the end of 3 days beginning with D must itself be
followed by a notification of that fact within 6 days beginning with D (s.84(4)(b)):
:func:`non_occurrence_obligations`, satisfied by a ``NotificationKind.NON_OCCURRENCE`` notification.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from custos.core.policy import Policy

from .breach import BreachConsideration, missed_notifications
from .common import Deadline, NotificationEvent, NotificationKind
from .dates import AwayKind, AwayPeriod
from .notify import Change, Stay, advance_notice, change_notification, qualifying_period

PRESCRIBED_KINDS_KEY = "offenders.notification.prescribed_change_kinds"
MATCH_BASIS = (
    "covered by a s.84 notification given on or after the change (s.84(1)), or before it as advance notice "
    "of an expected date within s.84(2)-(4)"
)
RELEASED_FROM = frozenset({AwayKind.CUSTODY, AwayKind.HOSPITAL})


class ChangeStatus(StrEnum):
    OUTSTANDING = "outstanding"  # the deadline has not passed and nothing covers it yet
    NOTIFIED = "notified"  # covered on or before the deadline
    NOTIFIED_LATE = "notified-late"  # covered after the deadline: a s.91 consideration
    MISSED = "missed"  # the deadline passed and nothing covers it: a continuing s.91 failure
    SUSPENDED = "suspended"  # still in custody, in hospital or abroad: the count has not finished


@dataclass(frozen=True)
class RecordedChange:
    """A change the record shows: what changed and the day it happened (the s.84(1) event)."""

    change: Change
    on: date
    what: str
    basis: str = ""  # extra basis (the policy key) when policy decided that it is notifiable
    policy_version: str | None = None


@dataclass(frozen=True)
class ChangeNotice:
    """A recorded s.84 notification: the day given and, for advance notice, the expected date."""

    on: date
    expected_on: date | None = None


@dataclass(frozen=True)
class ChangeObligation:
    """One s.84(1) duty from the record, its deadline, and whether (and when) a notification covered it."""

    what: str
    change: Change | None  # None for a s.84(4)(b) report that an advance-notified change did not happen
    event_date: date
    deadline: Deadline
    status: ChangeStatus
    notified_on: date | None
    consideration: BreachConsideration | None
    basis: str
    policy_version: str | None

    @property
    def label(self) -> str:
        return self.change.value if self.change is not None else NotificationKind.NON_OCCURRENCE.value


def _status(
    deadline: Deadline, notified: date | None, consideration: BreachConsideration | None
) -> ChangeStatus:
    if deadline.due is None:
        return ChangeStatus.NOTIFIED if notified is not None else ChangeStatus.SUSPENDED
    if consideration is not None:
        return ChangeStatus.NOTIFIED_LATE if notified is not None else ChangeStatus.MISSED
    return ChangeStatus.NOTIFIED if notified is not None else ChangeStatus.OUTSTANDING


def prescribed_change(kind: str, on: date | None, what: str, *, policy: Policy) -> RecordedChange | None:
    """A detail starting on ``on`` is a s.84(1)(ca) prescribed change when policy lists its kind.

    Which details the 2012 Regulations prescribe is held as policy (reference §1.6; the paragraph of
    s.84(1)(ca) is unconfirmed [M]), so a force can follow its legal advice without a code change.
    """
    if on is None or kind not in {str(k) for k in policy.get(PRESCRIBED_KINDS_KEY)}:
        return None
    return RecordedChange(
        Change.PRESCRIBED,
        on,
        what,
        basis=f"SI 2012/1876; {policy.basis(PRESCRIBED_KINDS_KEY)}",
        policy_version=policy.version,
    )


def releases(away: Sequence[AwayPeriod]) -> list[RecordedChange]:
    """s.84(1)(d): each release from custody or hospital (the day of release is at liberty)."""
    return [
        RecordedChange(Change.RELEASE, p.end, f"release from {p.kind}")
        for p in away
        if p.end is not None and p.kind in RELEASED_FROM
    ]


def qualifying_stays(
    stays_by_address: Mapping[str, Sequence[Stay]], *, away: Sequence[AwayPeriod] = ()
) -> list[RecordedChange]:
    """s.84(1)(c): each unnotified address whose stays add up to the qualifying period (s.84(6))."""
    found = []
    for address, stays in sorted(stays_by_address.items()):
        period = qualifying_period(stays, away=away)
        if period.completed_on is not None:
            found.append(
                RecordedChange(
                    Change.QUALIFYING_PERIOD,
                    period.completed_on,
                    f"{period.days_in_window} days at {address}",
                    basis=period.basis,
                )
            )
    return found


def covered_on(event_date: date, notices: Sequence[ChangeNotice], *, as_of: date) -> date | None:
    """The first day a recorded s.84 notification covers a change on ``event_date`` (module docstring)."""
    days = []
    for n in notices:
        if n.on >= event_date:
            days.append(n.on)
        elif n.expected_on is not None:
            check = advance_notice(n.expected_on, happened_on=event_date, as_of=as_of)
            if check.covered:
                days.append(event_date)
    return min(days, default=None)


def change_obligations(
    changes: Sequence[RecordedChange],
    notices: Sequence[ChangeNotice],
    *,
    first_notified_on: date | None,
    as_of: date,
    away: Sequence[AwayPeriod] = (),
) -> tuple[ChangeObligation, ...]:
    """Every s.84 duty arising after the first s.83 notification, with its status on ``as_of``.

    Changes dated after ``as_of`` (recorded in advance) are not yet duties. Earliest deadline first.
    """
    if first_notified_on is None:
        return ()
    out: list[ChangeObligation] = []
    for c in changes:
        if c.on <= first_notified_on or c.on > as_of:
            continue
        deadline = change_notification(c.change, c.on, away=away)
        if c.basis or c.policy_version:
            deadline = Deadline(
                kind=deadline.kind,
                due=deadline.due,
                basis=f"{deadline.basis}; {c.basis}" if c.basis else deadline.basis,
                policy_version=c.policy_version,
                opens=deadline.opens,
                note=deadline.note,
            )
        notified = covered_on(c.on, notices, as_of=as_of)
        given = [NotificationEvent(NotificationKind.CHANGE, notified)] if notified is not None else []
        found = missed_notifications([deadline], given, as_of=as_of)
        consideration = found[0] if found else None
        status = _status(deadline, notified, consideration)
        out.append(
            ChangeObligation(
                what=c.what,
                change=c.change,
                event_date=c.on,
                deadline=deadline,
                status=status,
                notified_on=notified,
                consideration=consideration,
                basis=f"{deadline.basis}; {MATCH_BASIS}",
                policy_version=c.policy_version,
            )
        )
    return tuple(sorted(out, key=lambda o: (o.deadline.due is None, o.deadline.due or date.max, o.what)))


def non_occurrence_obligations(
    notices: Sequence[ChangeNotice],
    change_dates: Sequence[date],
    reports: Sequence[date],
    *,
    as_of: date,
    away: Sequence[AwayPeriod] = (),
) -> tuple[ChangeObligation, ...]:
    """s.84(4)(b) for each advance notice: report that the change had not happened, within 6 days.

    The change an advance notice announced is taken to be the first change recorded on or after the day
    the notice was given (up to ``as_of``); :func:`advance_notice` decides whether a report of
    non-occurrence is owed. ``reports`` are the days of ``NON_OCCURRENCE`` notifications.
    """
    out: list[ChangeObligation] = []
    given = [NotificationEvent(NotificationKind.NON_OCCURRENCE, r) for r in reports]
    for n in notices:
        if n.expected_on is None:
            continue
        happened = min((d for d in change_dates if n.on <= d <= as_of), default=None)
        check = advance_notice(n.expected_on, happened_on=happened, as_of=as_of, away=away)
        for deadline in check.obligations:
            if deadline.kind is not NotificationKind.NON_OCCURRENCE:
                continue
            opens = deadline.opens or n.expected_on
            reported = min((r for r in reports if r >= opens), default=None)
            found = missed_notifications([deadline], given, as_of=as_of)
            consideration = found[0] if found else None
            out.append(
                ChangeObligation(
                    what=f"advance notice of a change expected on {n.expected_on.isoformat()}",
                    change=None,
                    event_date=opens,
                    deadline=deadline,
                    status=_status(deadline, reported, consideration),
                    notified_on=reported,
                    consideration=consideration,
                    basis=f"{deadline.basis}; {check.basis}",
                    policy_version=None,
                )
            )
    return tuple(out)
