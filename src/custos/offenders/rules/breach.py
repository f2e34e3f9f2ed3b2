"""s.91 SOA 2003: which notification deadlines were missed, each a breach *consideration*.

s.91(1) makes it an offence to fail "without reasonable excuse" to comply, so the rule only says that a
deadline passed without a matching notification; whether there was an excuse is for the officer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .common import Deadline, NotificationEvent, NotificationKind

S91_PROVISION = {
    NotificationKind.INITIAL: "s.83(1)",
    NotificationKind.CHANGE: "s.84(1)",
    NotificationKind.NON_OCCURRENCE: "s.84(4)(b)",
    NotificationKind.ANNUAL: "s.85(1)",
    NotificationKind.WEEKLY: "s.85(1) as applied by SI 2012/1876",
    NotificationKind.HOUSEHOLD: "SI 2012/1876 reg 10",
    NotificationKind.INFO_2012: "SI 2012/1876",
    NotificationKind.FOREIGN_TRAVEL: "the travel regulations under s.86",
    NotificationKind.TRAVEL_CHANGE: "the travel regulations under s.86",
    NotificationKind.RETURN: "the travel regulations under s.86",
}

# A notification given under s.84(1) or s.85(1) also satisfies a weekly duty due the same week.
SATISFIES = {
    NotificationKind.WEEKLY: frozenset(
        {NotificationKind.WEEKLY, NotificationKind.CHANGE, NotificationKind.ANNUAL, NotificationKind.INITIAL}
    ),
    NotificationKind.ANNUAL: frozenset({NotificationKind.ANNUAL}),
}


@dataclass(frozen=True)
class BreachConsideration:
    """A deadline that passed without a notification: consider s.91 (continuing offence, one prosecution)."""

    deadline: Deadline
    notified_late_on: date | None
    days_overdue: int
    basis: str


def missed_notifications(
    deadlines: Sequence[Deadline], events: Sequence[NotificationEvent], *, as_of: date
) -> tuple[BreachConsideration, ...]:
    """Every deadline that has passed by ``as_of`` with no matching notification from ``opens`` to ``due``.

    A late notification still yields a consideration (the failure ran until it was given); suspended
    deadlines (``due`` None) and deadlines not yet passed yield nothing.
    """
    found: list[BreachConsideration] = []
    for deadline in deadlines:
        if deadline.due is None or as_of <= deadline.due:
            continue
        kinds = SATISFIES.get(deadline.kind, frozenset({deadline.kind}))
        matching = sorted(
            e.on for e in events if e.kind in kinds and (deadline.opens is None or e.on >= deadline.opens)
        )
        if matching and matching[0] <= deadline.due:
            continue
        late = matching[0] if matching else None
        end = late if late is not None else as_of
        provision = S91_PROVISION[deadline.kind]
        found.append(
            BreachConsideration(
                deadline=deadline,
                notified_late_on=late,
                days_overdue=(end - deadline.due).days,
                basis=f"SOA 2003 s.91(1)(a): failure, without reasonable excuse, to comply with {provision} "
                f"(due {deadline.due.isoformat()}; {deadline.basis}); continuing offence, one prosecution "
                "per failure, s.91(3)",
            )
        )
    return tuple(found)
