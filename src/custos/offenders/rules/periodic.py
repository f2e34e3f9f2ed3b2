"""Periodic notification (s.85): annual, and weekly for an offender with no fixed abode."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from custos.core.policy import Policy

from .common import RESETS_ANNUAL, Deadline, NotificationEvent, NotificationKind
from .dates import AwayPeriod, anniversary, away_on, days_beginning_with_disregarding

NO_RESETTING_NOTIFICATION = "there is no s.83(1), s.84(1) or s.85(1) notification to count the year from"
NO_NOTIFICATION = "there is no notification to count the week from"
EXTENSION_DAYS = 3  # s.85(4): 3 days beginning with the end of the custody, detention or absence


def _last(
    events: Sequence[NotificationEvent], kinds: frozenset[NotificationKind]
) -> NotificationEvent | None:
    relevant = [e for e in events if e.kind in kinds]
    return max(relevant, key=lambda e: e.on) if relevant else None


def _extend_if_away(due: date, away: Sequence[AwayPeriod]) -> tuple[date | None, str]:
    period = away_on(due, away)
    if period is None:
        return due, ""
    if period.end is None:
        return None, f"extended: in {period.kind} when the period would end; 3 days beginning with the end"
    extended = days_beginning_with_disregarding(period.end, EXTENSION_DAYS, away)
    return (
        extended,
        f"extended: in {period.kind} on {due.isoformat()}; 3 days beginning with {period.end.isoformat()}",
    )


def annual_notification(
    events: Sequence[NotificationEvent], *, away: Sequence[AwayPeriod] = (), policy: Policy
) -> Deadline:
    """s.85(1): notify again within 1 year after the last s.83(1), s.84(1) or s.85(1) notification.

    Only those three reset the year: details given only under the 2012 Regulations, weekly, household
    and foreign-travel notifications do not. The anniversary is the last compliant day ("after" leaves a
    one-day ambiguity, so the system alerts early by policy). If the year would end while the offender is
    in custody, in hospital or abroad, it ends 3 days beginning with the day that ends (s.85(3)-(4)).
    """
    last = _last(events, RESETS_ANNUAL)
    if last is None:
        raise ValueError(NO_RESETTING_NOTIFICATION)
    key = "offenders.notification.annual_alert_days_before"
    nominal = anniversary(last.on, 12)
    due, note = _extend_if_away(nominal, away)
    basis = (
        f"SOA 2003 s.85(1): within 1 year after the last notification under s.83(1), s.84(1) or s.85(1) "
        f"(the last: the {last.kind} notification on {last.on.isoformat()}); anniversary treated as the last "
        "compliant day"
    )
    if note:
        basis += "; SOA 2003 s.85(3)-(4): period ending in custody, hospital or abroad extended"
    alert_days = int(policy.get(key))
    return Deadline(
        kind=NotificationKind.ANNUAL,
        due=due,
        basis=f"{basis}; early alert {policy.basis(key)}",
        policy_version=policy.version,
        opens=last.on + timedelta(days=1),
        alert_from=(due - timedelta(days=alert_days)) if due is not None else None,
        note=note,
    )


def weekly_notification(
    events: Sequence[NotificationEvent], *, away: Sequence[AwayPeriod] = (), policy: Policy
) -> Deadline:
    """No fixed abode (home address is a place where he can regularly be found, s.83(7)(b)): notify weekly.

    SI 2012/1876 in force 13 August 2012; the days come from policy because the exact regulation wording
    is unconfirmed [M]. Any s.83, s.84, s.85 or weekly notification starts the next week.
    """
    kinds = RESETS_ANNUAL | {NotificationKind.WEEKLY}
    last = _last(events, frozenset(kinds))
    if last is None:
        raise ValueError(NO_NOTIFICATION)
    key = "offenders.notification.no_fixed_abode_days"
    due, note = _extend_if_away(last.on + timedelta(days=int(policy.get(key))), away)
    return Deadline(
        kind=NotificationKind.WEEKLY,
        due=due,
        basis="SOA 2003 s.85 as amended for no sole or main residence (s.83(7)(b) place), SI 2012/1876; "
        + policy.basis(key),
        policy_version=policy.version,
        opens=last.on + timedelta(days=1),
        note=note,
    )
