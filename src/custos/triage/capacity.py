"""Lab capacity without a fixed cap: expected start dates from the examiners and their throughput.

Pure functions. Each examiner starts ``devices_per_examiner_per_week`` devices a week at full time (policy),
scaled by their hours, on working days (England and Wales bank holidays excluded) when they are not
absent and their digital-forensics accreditation is current. The device at queue position k (1-based)
starts on the first day on which the cumulative start capacity from today exceeds k − 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from custos.core.policy import Policy
from custos.core.workingdays import is_working_day
from custos.triage.ranking import RankedDevice

NO_CAPACITY = "no examiner capacity within the planning horizon"


@dataclass(frozen=True)
class Examiner:
    key: int
    fte: float
    absences: tuple[tuple[date, date], ...] = ()
    accredited_until: date | None = None  # None: no expiry recorded

    def available(self, day: date) -> bool:
        if self.accredited_until is not None and day > self.accredited_until:
            return False
        return not any(start <= day <= end for start, end in self.absences)


@dataclass(frozen=True)
class CapacityPlan:
    examiners: int
    devices_per_week_now: float
    misses: int
    basis: str
    policy_version: str


def daily_capacity(examiners: Sequence[Examiner], day: date, per_week: float) -> float:
    if not is_working_day(day):
        return 0.0
    return sum(per_week / 5.0 * e.fte for e in examiners if e.available(day))


def plan(
    queue: list[RankedDevice], examiners: Sequence[Examiner], *, today: date, policy: Policy
) -> CapacityPlan:
    """Set ``expected_start`` and ``misses_sla`` on each device of ``queue`` (already in rank order)."""
    per_week = float(policy.get("triage.ranking.devices_per_examiner_per_week"))
    horizon = today + timedelta(days=int(policy.get("triage.ranking.planning_horizon_days")))
    cumulative = 0.0
    index = 0
    day = today
    while index < len(queue) and day <= horizon:
        cumulative += daily_capacity(examiners, day, per_week)
        while index < len(queue) and cumulative > index + 1e-9:
            queue[index].expected_start = day
            index += 1
        day += timedelta(days=1)
    misses = 0
    for device in queue:
        if device.expected_start is None:
            device.misses_sla = True
            device.notes.append(NO_CAPACITY)
        else:
            device.misses_sla = device.expected_start > device.rank.sla.due
        misses += device.misses_sla
    week = [today + timedelta(days=i) for i in range(7)]
    now = round(sum(daily_capacity(examiners, d, per_week) for d in week), 2)
    return CapacityPlan(
        examiners=len(examiners),
        devices_per_week_now=now,
        misses=misses,
        basis=policy.basis("triage.ranking.devices_per_examiner_per_week"),
        policy_version=policy.version,
    )
