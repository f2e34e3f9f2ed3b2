"""One offender's notification deadlines, gathered for the sweep and the offender manager's worklist.

Combines s.83, s.84 and s.85 (annual, or weekly with no fixed abode) so that a caller holding the record's
plain values gets every deadline with its basis, and can pass them straight to
:func:`custos.offenders.rules.breach.missed_notifications`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from custos.core.policy import Policy

from .common import RESETS_ANNUAL, Deadline, NotificationEvent, NotificationKind
from .dates import AwayPeriod
from .notify import Change, change_notification, initial_notification
from .periodic import annual_notification, weekly_notification


def notification_deadlines(
    *,
    relevant_date: date,
    events: Sequence[NotificationEvent],
    changes: Sequence[tuple[Change, date]] = (),
    away: Sequence[AwayPeriod] = (),
    no_fixed_abode: bool = False,
    already_subject_and_notified: bool = False,
    policy: Policy,
) -> tuple[Deadline, ...]:
    """Every notification deadline that follows from the record, earliest first (suspended ones last).

    * the s.83 initial notification (unless s.83(2) applies);
    * one s.84 deadline per recorded change (name, address, qualifying period, release);
    * the periodic deadline once there is something to count from: weekly with no fixed abode, otherwise
      annual (s.85).
    """
    deadlines: list[Deadline] = []
    initial = initial_notification(
        relevant_date, away=away, already_subject_and_notified=already_subject_and_notified
    )
    if initial.deadline is not None:
        deadlines.append(initial.deadline)
    deadlines.extend(change_notification(change, on, away=away) for change, on in changes)
    if no_fixed_abode:
        if any(e.kind in RESETS_ANNUAL or e.kind is NotificationKind.WEEKLY for e in events):
            deadlines.append(weekly_notification(events, away=away, policy=policy))
    elif any(e.kind in RESETS_ANNUAL for e in events):
        deadlines.append(annual_notification(events, away=away, policy=policy))
    return tuple(sorted(deadlines, key=lambda d: (d.due is None, d.due or date.max)))
