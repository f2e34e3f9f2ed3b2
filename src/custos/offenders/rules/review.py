"""Review of indefinite notification requirements, s.91A-F SOA 2003 (inserted by SI 2012/1883)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from custos.core.policy import Policy

from .dates import days_beginning_with, months_beginning_with

ADULT_YEARS = 15  # s.91B(2)(a)
UNDER_18_YEARS = 8  # s.91B(2)(b)
FURTHER_YEARS = 8  # s.91B(3)
NOT_BEFORE_QUALIFYING = "an application cannot be made before the qualifying date {day}"


class PreventiveOrder(StrEnum):
    """Orders that bar a review while in force (s.91A(2)(b) as amended)."""

    SHPO = "shpo"
    INTERIM_SHPO = "interim-shpo"
    SOPO = "sopo"
    INTERIM_SOPO = "interim-sopo"


@dataclass(frozen=True)
class ReviewEligibility:
    eligible: bool
    reasons: tuple[str, ...]
    basis: str


def review_eligibility(*, indefinite: bool, orders: Iterable[PreventiveOrder] = ()) -> ReviewEligibility:
    """A "qualifying relevant offender" (s.91A(2)): subject indefinitely and not under an SHPO/SOPO."""
    reasons: list[str] = []
    if not indefinite:
        reasons.append("not subject to the indefinite notification requirements (s.91A(2)(a))")
    active = sorted({PreventiveOrder(o) for o in orders})
    if active:
        reasons.append("subject to " + ", ".join(o.value.upper() for o in active) + " (s.91A(2)(b))")
    return ReviewEligibility(
        eligible=not reasons,
        reasons=tuple(reasons),
        basis="SOA 2003 s.91A(2): indefinite requirements and no SHPO, interim SHPO, SOPO or interim SOPO",
    )


@dataclass(frozen=True)
class QualifyingDate:
    qualifying_date: date
    basis: str


def review_qualifying_date(first_notification_after_release: date, *, under_18: bool) -> QualifyingDate:
    """s.91B(2): the day after the end of 15 years (8 if under 18 on the relevant date) beginning with the
    relevant notification, i.e. the first notification after release."""
    years = UNDER_18_YEARS if under_18 else ADULT_YEARS
    _, free_from = months_beginning_with(first_notification_after_release, 12 * years)
    para = "(b) under 18 on the relevant date" if under_18 else "(a) 18 or over on the relevant date"
    return QualifyingDate(
        qualifying_date=free_from,
        basis=f"SOA 2003 s.91B(2){para}: the day after the end of {years} years beginning with the relevant "
        "notification",
    )


def further_qualifying_date(determination: date) -> QualifyingDate:
    """s.91B(3): after a determination to continue, the day after the end of 8 years beginning with it.

    s.91B(4)-(6) allow the chief officer to set a longer period (up to 15 years) in exceptional cases;
    pass that decision separately, as it is a recorded judgement rather than a rule.
    """
    _, free_from = months_beginning_with(determination, 12 * FURTHER_YEARS)
    return QualifyingDate(
        qualifying_date=free_from,
        basis="SOA 2003 s.91B(3): the day after the end of 8 years beginning with the determination "
        "(subject to s.91B(4)-(6))",
    )


@dataclass(frozen=True)
class ReviewTimetable:
    """Targets for deciding an application and the window for appealing a refusal."""

    decision_due: date
    appeal_last_day: date | None
    basis: str
    policy_version: str


def review_timetable(
    application_received: date,
    *,
    qualifying: date,
    refusal_notice_received: date | None = None,
    policy: Policy,
) -> ReviewTimetable:
    """Decision target (policy: whole process within 12 weeks) and appeal window to the magistrates'
    court (s.91E; 21 days beginning with receipt of the notice, policy [M])."""
    if application_received < qualifying:
        raise ValueError(NOT_BEFORE_QUALIFYING.format(day=qualifying.isoformat()))
    weeks_key = "offenders.notification.review_decision_weeks"
    appeal_key = "offenders.notification.review_appeal_days"
    decision_due = application_received + timedelta(weeks=int(policy.get(weeks_key))) - timedelta(days=1)
    appeal = (
        days_beginning_with(refusal_notice_received, int(policy.get(appeal_key)))
        if refusal_notice_received is not None
        else None
    )
    return ReviewTimetable(
        decision_due=decision_due,
        appeal_last_day=appeal,
        basis=f"SOA 2003 s.91B(1), s.91C, s.91E; {policy.basis(weeks_key)}; {policy.basis(appeal_key)}",
        policy_version=policy.version,
    )
