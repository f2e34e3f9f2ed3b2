"""Supervisory review schedule and escalation of overdue reviews.

Reference §5 [D]: the first review within 1 working day of allocation, then every 28 days (T1) or 14 days
(T2 and above); the reviewer sets the next review date (never later than the policy interval); an
overdue review escalates to the next rank. The rank order comes from the workforce app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from custos.core.policy import Policy
from custos.core.workingdays import add_working_days

UNKNOWN_RANK = "rank {rank!r} is not in the rank order: {order}"
REQUESTED_IN_PAST = "the next review date {requested} is before the review on {reviewed}"


@dataclass(frozen=True)
class ReviewDue:
    due: date
    basis: str
    policy_version: str


@dataclass(frozen=True)
class ReviewStatus:
    overdue: bool
    days_overdue: int
    escalate_to: str | None
    basis: str


def first_review_due(allocated_on: date, *, policy: Policy) -> ReviewDue:
    key = "investigations.first_review_working_days"
    n = int(policy.get(key))
    return ReviewDue(
        add_working_days(allocated_on, n),
        f"first supervisory review within {n} working day(s) of allocation on {allocated_on} "
        f"[{policy.basis(key)}]",
        policy.version,
    )


def next_review_due(
    reviewed_on: date, tier: str, *, requested: date | None = None, policy: Policy
) -> ReviewDue:
    """The next review: the reviewer's chosen date, but never later than the tier's interval."""
    key = f"investigations.review_interval_days.{tier}"
    days = int(policy.get(key))
    latest = reviewed_on + timedelta(days=days)
    cite = f"reviews of {tier} crimes at most every {days} days [{policy.basis(key)}]"
    if requested is None:
        return ReviewDue(latest, cite, policy.version)
    if requested < reviewed_on:
        raise ValueError(REQUESTED_IN_PAST.format(requested=requested, reviewed=reviewed_on))
    if requested > latest:
        return ReviewDue(
            latest, f"reviewer asked for {requested}, later than allowed: {cite}", policy.version
        )
    return ReviewDue(requested, f"date set by the reviewer ({cite})", policy.version)


def review_status(due: date, today: date, *, supervisor_rank: str, rank_order: Sequence[str]) -> ReviewStatus:
    """Whether a review is overdue, and if so the rank it escalates to (the next above the supervisor).

    ``rank_order`` runs from the most junior rank to the most senior, as the workforce app supplies it.
    """
    if supervisor_rank not in rank_order:
        raise ValueError(UNKNOWN_RANK.format(rank=supervisor_rank, order=", ".join(rank_order)))
    if today <= due:
        return ReviewStatus(False, 0, None, f"review due {due}; not overdue")
    position = list(rank_order).index(supervisor_rank)
    escalate_to = rank_order[position + 1] if position + 1 < len(rank_order) else None
    basis = (
        f"review due {due} is {(today - due).days} day(s) overdue: escalates to the next rank (reference §5)"
    )
    if escalate_to is None:
        basis += f"; {supervisor_rank} is the most senior rank listed, so it stays with them"
    return ReviewStatus(True, (today - due).days, escalate_to, basis)
