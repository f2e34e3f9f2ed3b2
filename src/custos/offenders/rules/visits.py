"""Home visits: the interval by RoSH level and the next due date (reference 2.1-2.2 and rule R1).

Next due = last *successful* visit + the policy interval for the managing RoSH level. Failed attempts
never move it. Reactive management has no routine visits. Intervals are exact policy durations
("6w" is 42 days; "3m" is the corresponding date three months on, or the month's last day).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from custos.core.policy import Policy

from .common import per_policy
from .dates import Duration
from .risk import RiskLevel

VISITS_BASIS = "APP Managing sexual offenders and violent offenders: home visits; reference rule R1"
REACTIVE_BASIS = (
    "reactive management: no routine home visits; new information triggers a risk review "
    "(HMICFRS glossary 'Reactive management')"
)
NO_CLOCK_START = "a visit clock needs the last successful visit or the date management started"


class ManagementMode(StrEnum):
    ACTIVE = "active"
    REACTIVE = "reactive"  # no routine visits; new information triggers a risk review (HMICFRS glossary)


class VisitOutcome(StrEnum):
    SEEN_AND_ENTERED = "seen-and-entered"
    ENTRY_REFUSED = "entry-refused"  # seen, but entry refused
    NO_ANSWER = "no-answer"
    NO_LONGER_RESIDENT = "no-longer-resident"
    OTHER = "other"


# Only these count as "sought entry ... and has been unable to obtain entry" for s.96B(2)(d).
FAILED_ENTRY = frozenset({VisitOutcome.ENTRY_REFUSED, VisitOutcome.NO_ANSWER})


@dataclass(frozen=True)
class VisitAttempt:
    at: datetime
    outcome: VisitOutcome
    for_risk_assessment: bool = True
    announced: bool = False

    @property
    def on(self) -> date:
        return self.at.date()

    @property
    def successful(self) -> bool:
        return self.outcome is VisitOutcome.SEEN_AND_ENTERED


def _intervals(policy: Policy) -> dict[RiskLevel, tuple[Duration, str]]:
    out = {}
    for level in RiskLevel:
        key = f"offenders.visits.interval.{level.value}"
        out[level] = (Duration.parse(policy.get(key)), f"{VISITS_BASIS}; {policy.basis(key)}")
    return out


interval_table = per_policy(_intervals)


def visit_interval(level: RiskLevel | str, *, policy: Policy) -> tuple[Duration, str]:
    """(interval, basis) for a RoSH level from policy ``offenders.visits.interval``."""
    return interval_table(policy)[RiskLevel(level)]


def last_successful_visit(attempts: Iterable[VisitAttempt]) -> date | None:
    days = [a.on for a in attempts if a.successful]
    return max(days) if days else None


@dataclass(frozen=True)
class VisitDue:
    due: date | None
    interval: str | None
    basis: str
    policy_version: str | None


def visit_due(
    level: RiskLevel | str,
    *,
    last_successful: date | None,
    managed_since: date | None = None,
    mode: ManagementMode = ManagementMode.ACTIVE,
    policy: Policy,
) -> VisitDue:
    """The next routine home visit: last successful visit (or, if never visited, the start of management)
    plus the interval for the level. None under reactive management."""
    if ManagementMode(mode) is ManagementMode.REACTIVE:
        return VisitDue(due=None, interval=None, basis=REACTIVE_BASIS, policy_version=None)
    start = last_successful or managed_since
    if start is None:
        raise ValueError(NO_CLOCK_START)
    interval, basis = visit_interval(level, policy=policy)
    anchor = "last successful visit" if last_successful else "start of management (never visited)"
    return VisitDue(
        due=interval.after(start),
        interval=interval.text,
        basis=f"{basis}: {anchor} {start.isoformat()} + {interval.describe()}; failed attempts never reset",
        policy_version=policy.version,
    )


def announced_share(attempts: Iterable[VisitAttempt]) -> float | None:
    """Share of visits that were announced (reference R4), None when there were none."""
    items = list(attempts)
    return sum(a.announced for a in items) / len(items) if items else None
