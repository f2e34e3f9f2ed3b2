"""Results shared by the notification rules: a deadline with its basis, and the kinds of notification."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from custos.core.policy import Policy


class NotificationKind(StrEnum):
    """What an in-person notification was given under (decides what it resets and what it satisfies)."""

    INITIAL = "initial"  # s.83(1)
    CHANGE = "change"  # s.84(1)
    NON_OCCURRENCE = "non-occurrence"  # s.84(4)(b): the advance-notified event did not happen
    ANNUAL = "annual"  # s.85(1)
    WEEKLY = "weekly"  # no fixed abode, SI 2012/1876
    HOUSEHOLD = "household"  # residing or staying with a child, SI 2012/1876 reg 10
    INFO_2012 = "info-2012"  # bank, card, passport details only (SI 2012/1876)
    FOREIGN_TRAVEL = "foreign-travel"  # s.86 and the travel regulations
    TRAVEL_CHANGE = "travel-change"
    RETURN = "return"  # return to the UK not notified before departure


# The notifications after which s.85(1) starts a fresh year (s.85(1) names s.83(1), s.84(1), s.85(1)).
RESETS_ANNUAL = frozenset({NotificationKind.INITIAL, NotificationKind.CHANGE, NotificationKind.ANNUAL})


@dataclass(frozen=True)
class Deadline:
    """The last day (and, for travel, the last moment) by which the offender must notify.

    ``due`` is None while the deadline is suspended (the offender is still in custody, in hospital or
    abroad and the statute disregards that time). ``opens`` is the first day a notification satisfies it.
    """

    kind: NotificationKind
    due: date | None
    basis: str
    policy_version: str | None = None
    opens: date | None = None
    due_at: datetime | None = None
    alert_from: date | None = None
    note: str = ""


@dataclass(frozen=True)
class NotificationEvent:
    """A notification actually given in person at a prescribed police station."""

    kind: NotificationKind
    on: date


def per_policy[T](build: Callable[[Policy], T]) -> Callable[[Policy], T]:
    """Memoise what a rule derives from one Policy object (parsed intervals, basis texts).

    The nightly sweep evaluates every offender with the same policy, so parsing and formatting once per
    policy keeps a rule call cheap. Keyed by identity: a what-if policy is a new object and is rebuilt.
    """
    cache: dict[int, tuple[Policy, T]] = {}

    def get(policy: Policy) -> T:
        hit = cache.get(id(policy))
        if hit is not None and hit[0] is policy:
            return hit[1]
        value = build(policy)
        if len(cache) >= 16:
            cache.clear()
        cache[id(policy)] = (policy, value)
        return value

    return get
