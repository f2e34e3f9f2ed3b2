"""The inspection measures for one reader: their scope decided once, then every domain's measures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from custos.core.access import not_found, scope_of
from custos.core.measures import AREAS, Measure, MeasureScope, measures_for
from custos.core.policy import Policy
from custos.reporting import access
from custos.workforce.models import Borough

UNKNOWN_BOROUGH = "unknown borough {code!r}"


@dataclass(frozen=True)
class InspectionReport:
    today: date
    policy_version: str
    borough: Borough | None  # None: the whole force
    measures: list[Measure]

    def by_area(self) -> list[tuple[str, list[Measure]]]:
        return [(area, [m for m in self.measures if m.area == area]) for area in AREAS]

    def record(self) -> dict[str, Any]:
        return {
            "as_at": self.today.isoformat(),
            "policy_version": self.policy_version,
            "scope": self.borough.code if self.borough else "force",
            "measures": [m.record() for m in self.measures],
        }


def inspection_report(*, actor: Any, today: date, policy: Policy, borough: str = "") -> InspectionReport:
    """The measures ``actor`` may read (404 for anyone else), for the force or one borough.

    A borough code that does not exist raises ``LookupError`` with a message for the user; a borough
    reader asking for another borough simply gets their own.
    """
    s = scope_of(actor)
    if not access.can_read_measures(s):
        raise not_found()
    asked = None
    if borough:
        found = Borough.objects.filter(code=borough).first()
        if found is None:
            raise LookupError(UNKNOWN_BOROUGH.format(code=borough))
        asked = found.pk
    borough_id = access.measures_borough(s, asked)
    place = Borough.objects.filter(pk=borough_id).first() if borough_id is not None else None
    scope = MeasureScope(today=today, policy=policy, borough_id=borough_id)
    return InspectionReport(today, policy.version, place, measures_for(scope))
