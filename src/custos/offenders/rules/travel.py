"""Foreign travel (s.86 and the travel regulations) and staying in a household with a child (SI 2012/1876)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from custos.core.policy import Policy

from .common import Deadline, NotificationKind
from .dates import AwayPeriod, days_beginning_with_disregarding

RETURN_BEFORE_DEPARTURE = "the return cannot be before the departure"
STAY_ENDS_BEFORE_IT_STARTS = "a stay cannot end before it starts"
TRAVEL_REGS = "SOA 2003 s.86; SI 2004/1220 as amended by SI 2012/1876 (all foreign travel, however short)"


@dataclass(frozen=True)
class ForeignTravel:
    """What the offender must notify for one trip abroad, and by when."""

    notice: Deadline
    change: Deadline | None
    return_notice: Deadline | None
    basis: str


def foreign_travel(
    departure: datetime,
    *,
    details_known_at: datetime | None = None,
    changed_at: datetime | None = None,
    return_on: date | None = None,
    return_pre_notified: bool = True,
    policy: Policy,
) -> ForeignTravel:
    """Deadlines for a trip departing at ``departure`` (worked example 8).

    * Normally at least 7 days before departure.
    * Details not known by then (``details_known_at`` after that point): as soon as practicable and at
      least 12 hours before departure.
    * Details change after notification (``changed_at``): fresh notification at least 24 hours before.
    * Return not notified before departure: within 3 days beginning with the return.
    """
    ns = "offenders.notification."
    days_key, late_key, change_key, return_key = (
        ns + "foreign_travel_days_before",
        ns + "foreign_travel_late_hours_before",
        ns + "foreign_travel_change_hours_before",
        ns + "foreign_travel_unnotified_return_days",
    )
    usual_at = departure - timedelta(days=int(policy.get(days_key)))
    if details_known_at is not None and details_known_at > usual_at:
        due_at = departure - timedelta(hours=int(policy.get(late_key)))
        notice = Deadline(
            kind=NotificationKind.FOREIGN_TRAVEL,
            due=due_at.date(),
            due_at=due_at,
            basis=f"{TRAVEL_REGS}: details not known 7 days before departure, so as soon as practicable and "
            f"before the late limit; {policy.basis(late_key)}",
            policy_version=policy.version,
            opens=details_known_at.date(),
            note="as soon as practicable after the details are known",
        )
    else:
        notice = Deadline(
            kind=NotificationKind.FOREIGN_TRAVEL,
            due=usual_at.date(),
            due_at=usual_at,
            basis=f"{TRAVEL_REGS}: before departure; {policy.basis(days_key)}",
            policy_version=policy.version,
        )
    change = None
    if changed_at is not None:
        change_at = departure - timedelta(hours=int(policy.get(change_key)))
        change = Deadline(
            kind=NotificationKind.TRAVEL_CHANGE,
            due=change_at.date(),
            due_at=change_at,
            basis=f"{TRAVEL_REGS}: details changed after notification; {policy.basis(change_key)}",
            policy_version=policy.version,
            opens=changed_at.date(),
            note=""
            if changed_at <= change_at
            else "the change came after the limit: notify as soon as practicable",
        )
    return_notice = None
    if return_on is not None:
        if return_on < departure.date():
            raise ValueError(RETURN_BEFORE_DEPARTURE)
        if not return_pre_notified:
            days = int(policy.get(return_key))
            return_notice = Deadline(
                kind=NotificationKind.RETURN,
                due=return_on + timedelta(days=days - 1),
                basis=f"{TRAVEL_REGS}: return not notified before departure, days beginning with the return; "
                f"{policy.basis(return_key)}",
                policy_version=policy.version,
                opens=return_on,
            )
    return ForeignTravel(notice=notice, change=change, return_notice=return_notice, basis=TRAVEL_REGS)


@dataclass(frozen=True)
class HouseholdWithChild:
    """Whether a stay at a household with a child under 18 must be notified (SI 2012/1876 reg 10)."""

    required: bool
    deadline: Deadline | None
    basis: str
    policy_version: str


def household_with_child(
    stay_start: datetime,
    stay_end: datetime | None,
    *,
    child_under_18_present: bool,
    away: Sequence[AwayPeriod] = (),
    policy: Policy,
) -> HouseholdWithChild:
    """Residing, or staying at least 12 hours, at a household where a child under 18 lives.

    ``stay_end=None`` means the offender is residing there (no end yet), which always triggers.
    The deadline is days beginning with the start of the stay (policy, reference [M]).
    """
    hours_key = "offenders.notification.household_with_child_min_hours"
    days_key = "offenders.notification.household_with_child_days"
    basis = f"SI 2012/1876 reg 10 (household with a child under 18); {policy.basis(hours_key)}"
    if stay_end is not None and stay_end < stay_start:
        raise ValueError(STAY_ENDS_BEFORE_IT_STARTS)
    long_enough = stay_end is None or stay_end - stay_start >= timedelta(hours=int(policy.get(hours_key)))
    if not (child_under_18_present and long_enough):
        return HouseholdWithChild(required=False, deadline=None, basis=basis, policy_version=policy.version)
    due = days_beginning_with_disregarding(stay_start.date(), int(policy.get(days_key)), away)
    return HouseholdWithChild(
        required=True,
        deadline=Deadline(
            kind=NotificationKind.HOUSEHOLD,
            due=due,
            basis=f"{basis}; {policy.basis(days_key)}",
            policy_version=policy.version,
            opens=stay_start.date(),
        ),
        basis=basis,
        policy_version=policy.version,
    )
