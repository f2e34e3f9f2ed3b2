"""The computed dates on an offender's record, each with its basis and policy version (from the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from custos.core.policy import current_policy
from custos.offenders import ladder, rules
from custos.offenders.models import Offender
from custos.offenders.register_facts import load_facts
from custos.offenders.rules.changes import ChangeObligation, ChangeStatus


@dataclass(frozen=True)
class ComputedDate:
    label: str
    value: str
    basis: str
    policy_version: str | None = None


def record_dates(offender: Offender, *, today: date) -> tuple[list[ComputedDate], ladder.Evaluation | None]:
    """Notification period and end, next periodic notification, next visit due, escalation, s.91B review."""
    policy = current_policy()
    out: list[ComputedDate] = []
    facts = load_facts([offender.pk])
    evaluation = ladder.evaluate(facts[0], today=today, policy=policy) if facts else None
    convictions = [c for c in offender.convictions.all() if c.schedule3]
    period = None
    if convictions:
        from custos.offenders.services.register import _rule_conviction

        try:
            gov = rules.governing_notification_period(
                [_rule_conviction(c) for c in convictions],
                date_of_birth=offender.date_of_birth,
                policy=policy,
            )
        except ValueError as exc:
            out.append(ComputedDate("Notification period", f"cannot compute: {exc}", "SOA 2003 s.82"))
        else:
            period = gov.governing
            value = (
                "indefinite"
                if period.indefinite
                else f"{period.years_number} years, last day {period.last_day}"
            )
            out.append(
                ComputedDate(
                    "Notification period", value, f"{period.basis}; {gov.basis}", period.policy_version
                )
            )
    if evaluation is not None:
        d = evaluation.notification
        if d is not None:
            value = d.due.isoformat() if d.due else "suspended while away"
            out.append(ComputedDate(f"Next {d.kind} notification", value, d.basis, d.policy_version))
        else:
            out.append(
                ComputedDate(
                    "Next periodic notification",
                    "no s.83/s.84/s.85 notification recorded",
                    "SOA 2003 s.85(1)",
                )
            )
        out.extend(change_dates(evaluation.changes))
        lad = evaluation.ladder
        out.append(
            ComputedDate(
                "Next visit due",
                lad.due.isoformat() if lad.due else "no routine visit",
                lad.basis,
                lad.policy_version,
            )
        )
        start = facts[0].last_successful or facts[0].managed_since
        if lad.due is not None:
            t = rules.escalation_timeline(offender.rosh_level, last_successful=start, policy=policy)
            out.append(
                ComputedDate(
                    "Escalation timeline",
                    f"due soon {t.due_soon_from}; overdue {t.overdue_from}; DI {t.overdue_by_interval_from}; "
                    f"breach case {t.breach_from}",
                    t.basis,
                    t.policy_version,
                )
            )
    if period is not None and period.indefinite and offender.first_notification_on:
        q = rules.review_qualifying_date(offender.first_notification_on, under_18=period.under_18)
        elig = rules.review_eligibility(indefinite=True, orders=_orders(offender))
        value = q.qualifying_date.isoformat() + ("" if elig.eligible else " (not eligible)")
        out.append(ComputedDate("Review qualifying date (s.91B)", value, f"{q.basis}; {elig.basis}"))
    return out, evaluation


# Shown on the record: every s.84 duty not simply notified in time (those are in the notifications list).
SHOWN = frozenset(
    {
        ChangeStatus.OUTSTANDING,
        ChangeStatus.MISSED,
        ChangeStatus.NOTIFIED_LATE,
        ChangeStatus.SUSPENDED,
    }
)


def change_value(c: ChangeObligation) -> str:
    """How one s.84 duty reads on the record: the deadline and where it stands."""
    due = c.deadline.due.isoformat() if c.deadline.due else None
    status = ChangeStatus  # short alias for the comparisons below
    if c.status is status.SUSPENDED:
        return f"changed {c.event_date}; suspended while in custody, in hospital or abroad"
    if c.status is status.OUTSTANDING:
        return f"changed {c.event_date}; notify by {due} (outstanding)"
    overdue = c.consideration.days_overdue if c.consideration else 0
    if c.status is status.MISSED:
        return f"changed {c.event_date}; MISSED: due {due}, not notified ({overdue} days): consider s.91"
    if c.status is status.NOTIFIED_LATE:
        return f"changed {c.event_date}; notified late on {c.notified_on} (due {due}): consider s.91"
    return f"changed {c.event_date}; notified on {c.notified_on} (due {due})"


def change_dates(changes: tuple[ChangeObligation, ...]) -> list[ComputedDate]:
    out = []
    for c in changes:
        if c.status not in SHOWN:
            continue
        basis = c.basis if c.consideration is None else f"{c.consideration.basis}; {c.basis}"
        out.append(
            ComputedDate(f"s.84 change notification: {c.what}", change_value(c), basis, c.policy_version)
        )
    return out


def _orders(offender: Offender) -> list[Any]:
    if not offender.preventive_order:
        return []
    try:
        return [rules.PreventiveOrder(offender.preventive_order)]
    except ValueError:
        return []
