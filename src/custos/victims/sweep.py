"""Nightly: overdue Victims' Code obligations are marked overdue and escalated once to the officer in the
case and their supervisor (idempotent: a second run escalates nothing new)."""

from __future__ import annotations

from datetime import date

from custos.core.sweep import SweepResult, register
from custos.victims.services import escalate_overdue


@register("victims.clocks")
def escalate_overdue_clocks(today: date) -> SweepResult:
    checked, created = escalate_overdue(today)
    return SweepResult("victims.clocks", created={"victim_clock_escalations": created}, checked=checked)
