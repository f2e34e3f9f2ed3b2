"""Workload measures: crime weight, weighted load, caps, RAG status and the convex balance cost.

Every number comes from policy section ``[allocation]`` (reference §7, all [D]).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from custos.core.policy import Policy

from .model import CrimeToAllocate, Investigator

SECTION = "allocation"
EPS = 1e-9


class RAG(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


def key(name: str) -> str:
    return f"{SECTION}.{name}"


def tier_rank(tier: str) -> int:
    """ "T2" -> 2. Tiers are ordered by their number."""
    if len(tier) < 2 or tier[0] != "T" or not tier[1:].isdigit():
        raise ValueError(f"unknown tier {tier!r}: expected T1, T2, T3 or T4")
    return int(tier[1:])


def crime_weight(tier: str, enhanced_victim: bool, open_lines_of_enquiry: int, *, policy: Policy) -> float:
    """w = tier weight x enhanced-victim factor x many-open-lines factor (reference §7)."""
    weights = policy.get(key("tier_weight"))
    if tier not in weights:
        raise ValueError(f"policy {policy.version} has no tier weight for {tier!r}")
    w = float(weights[tier])
    if enhanced_victim:
        w *= float(policy.get(key("enhanced_victim_factor")))
    if open_lines_of_enquiry > int(policy.get(key("many_open_lines"))):
        w *= float(policy.get(key("many_open_lines_factor")))
    return w


def weight_of(crime: CrimeToAllocate, *, policy: Policy) -> float:
    return crime_weight(crime.tier, crime.enhanced_victim, crime.open_lines_of_enquiry, policy=policy)


@dataclass(frozen=True)
class OpenCase:
    """One open crime an investigator holds, for recomputing their weighted load."""

    tier: str
    enhanced_victim: bool = False
    open_lines_of_enquiry: int = 0
    age_days: int = 0


def weighted_load(cases: Iterable[OpenCase], *, policy: Policy) -> float:
    return sum(crime_weight(c.tier, c.enhanced_victim, c.open_lines_of_enquiry, policy=policy) for c in cases)


def red_threshold(probationer: bool, *, policy: Policy) -> int:
    return int(policy.get(key("probationer_caseload_red" if probationer else "caseload_red")))


def amber_threshold(probationer: bool, *, policy: Policy) -> int:
    return int(policy.get(key("probationer_caseload_amber" if probationer else "caseload_amber")))


def rag_status(open_crimes: int, probationer: bool, *, policy: Policy) -> RAG:
    """Red above the red threshold (25, probationers 12), amber above the amber threshold (15)."""
    if open_crimes > red_threshold(probationer, policy=policy):
        return RAG.RED
    if open_crimes > amber_threshold(probationer, policy=policy):
        return RAG.AMBER
    return RAG.GREEN


def over_red_flag(open_crimes: int, *, policy: Policy) -> bool:
    """The inspectorate's figure: any investigator holding more than 25 crimes is flagged, trainee or not."""
    return open_crimes > int(policy.get(key("caseload_red")))


def caseload_cap(officer: Investigator, *, policy: Policy) -> int:
    """Most open crimes the officer may hold after an allocation: the red threshold scaled by availability."""
    if not officer.available or officer.availability <= 0:
        return 0
    return math.floor(red_threshold(officer.probationer, policy=policy) * officer.availability + EPS)


def weighted_cap(officer: Investigator, *, policy: Policy) -> float:
    if not officer.available or officer.availability <= 0:
        return 0.0
    return float(policy.get(key("weighted_load_cap"))) * officer.availability


def utilisation(load: float, cap: float) -> float:
    """Load as a fraction of the officer's own cap, so part-time officers compare fairly with full-time."""
    if cap <= 0:
        return math.inf if load > 0 else 0.0
    return load / cap


@dataclass(frozen=True)
class BalanceCurve:
    """Convex piecewise-linear cost of weighted load: each unit of load costs more the fuller the officer.

    The marginal cost of one unit of weighted load at utilisation u is ``1 + step * floor(u / width)``;
    equalising marginal costs across officers is what balances load.
    """

    width: float
    step: float

    @classmethod
    def from_policy(cls, policy: Policy) -> BalanceCurve:
        return cls(
            width=float(policy.get(key("balance_band_width"))),
            step=float(policy.get(key("balance_slope_step"))),
        )

    def slope(self, band: int) -> float:
        return 1.0 + self.step * band

    def segments(self, load: float, upper: float, cap: float) -> list[tuple[float, float]]:
        """(capacity, slope) pieces of load from ``load`` up to ``upper`` for an officer with this cap."""
        out: list[tuple[float, float]] = []
        if cap <= 0 or upper <= load + EPS:
            return out
        band_load = self.width * cap
        band = math.floor(load / band_load + EPS)
        at = load
        while at < upper - EPS:
            end = min(upper, (band + 1) * band_load)
            if end > at + EPS:
                out.append((end - at, self.slope(band)))
            at = max(at, end)
            band += 1
        return out

    def cost(self, load: float, cap: float) -> float:
        """Total balance cost of holding ``load``: the integral of the marginal cost from zero."""
        if load <= 0:
            return 0.0
        if cap <= 0:
            return math.inf
        band_load = self.width * cap
        full = math.floor(load / band_load + EPS)
        partial = max(0.0, load - full * band_load)
        return band_load * (full + self.step * full * (full - 1) / 2) + partial * self.slope(full)

    def marginal(self, load: float, weight: float, cap: float) -> float:
        return self.cost(load + weight, cap) - self.cost(load, cap)
