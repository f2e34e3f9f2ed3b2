"""Nightly: overdue Victims' Code obligations are marked overdue and escalated once to the officer in the
case and their supervisor (idempotent: a second run escalates nothing new); Right to Review requests past
their acknowledge-by or decide-by date are escalated once per clock the same way; then the day's compliance
figures are counted for the whole force and kept (`compliance.take_snapshot`), after the escalations so
they count the overdue marks just made."""

from __future__ import annotations

from datetime import date

from custos.core.sweep import SweepResult, register
from custos.victims.compliance import take_snapshot
from custos.victims.reviews import escalate_overdue_reviews
from custos.victims.services import escalate_overdue


@register("victims.clocks")
def escalate_overdue_clocks(today: date) -> SweepResult:
    checked, created = escalate_overdue(today)
    return SweepResult("victims.clocks", created={"victim_clock_escalations": created}, checked=checked)


@register("victims.reviews")
def escalate_overdue_review_clocks(today: date) -> SweepResult:
    """Right to Review requests past their acknowledge-by or decide-by date, escalated once per clock."""
    checked, created = escalate_overdue_reviews(today)
    return SweepResult("victims.reviews", created={"victim_review_escalations": created}, checked=checked)


@register("victims.compliance")
def snapshot_compliance(today: date) -> SweepResult:
    snapshot = take_snapshot(today=today)
    return SweepResult(
        "victims.compliance", created={"compliance_snapshots": 1}, checked=sum(c[3] for c in snapshot.cells)
    )
