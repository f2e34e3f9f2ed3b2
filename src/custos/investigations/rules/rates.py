"""No-further-action rates: NFA_CORE and NFA_BROAD by any grouping (crime type, team, officer).

Reference §3 and §6: HMICFRS's definition behind the Met's 60% IIOC figure was not found, so the sets
are policy [D]. Outcomes in ``excluded_from_rates`` (0 not yet assigned, 19 NFIB filing, 20 transferred)
are left out of both numerator and denominator.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from custos.core.policy import Policy


@dataclass(frozen=True)
class NfaRate:
    group: Hashable
    finalised: int  # the denominator: outcomes counted
    excluded: int
    nfa_core: int
    nfa_broad: int
    positive: int
    nfa_core_rate: Fraction | None  # None when nothing was finalised
    nfa_broad_rate: Fraction | None
    positive_rate: Fraction | None
    basis: tuple[str, ...]
    policy_version: str

    @staticmethod
    def percent(rate: Fraction | None) -> float | None:
        return None if rate is None else round(float(rate * 100), 1)


def nfa_rates(records: Iterable[tuple[Hashable, int]], *, policy: Policy) -> dict[Hashable, NfaRate]:
    """Rates per group from ``(group, outcome)`` pairs: one pair per finalised crime."""
    return nfa_rates_counted(((group, outcome, 1) for group, outcome in records), policy=policy)


def nfa_rates_counted(
    counts: Iterable[tuple[Hashable, int, int]], *, policy: Policy
) -> dict[Hashable, NfaRate]:
    """Rates per group from ``(group, outcome, crimes)`` counts, as a database GROUP BY gives them."""
    core = set(policy.get("investigations.nfa_core_outcomes"))
    broad = set(policy.get("investigations.nfa_broad_outcomes"))
    positive = set(policy.get("investigations.positive_outcomes"))
    excluded = set(policy.get("investigations.excluded_from_rates"))
    totals: dict[Hashable, list[int]] = {}
    for group, outcome, n in counts:
        row = totals.setdefault(group, [0, 0, 0, 0, 0])
        if outcome in excluded:
            row[1] += n
            continue
        row[0] += n
        row[2] += n * (outcome in core)
        row[3] += n * (outcome in broad)
        row[4] += n * (outcome in positive)
    basis = (
        f"NFA_CORE = outcomes {sorted(core)} [{policy.basis('investigations.nfa_core_outcomes')}]",
        f"NFA_BROAD = outcomes {sorted(broad)} [{policy.basis('investigations.nfa_broad_outcomes')}]",
        f"denominator excludes outcomes {sorted(excluded)} "
        f"[{policy.basis('investigations.excluded_from_rates')}]",
    )

    def rate(part: int, whole: int) -> Fraction | None:
        return Fraction(part, whole) if whole else None

    return {
        group: NfaRate(
            group=group,
            finalised=row[0],
            excluded=row[1],
            nfa_core=row[2],
            nfa_broad=row[3],
            positive=row[4],
            nfa_core_rate=rate(row[2], row[0]),
            nfa_broad_rate=rate(row[3], row[0]),
            positive_rate=rate(row[4], row[0]),
            basis=basis,
            policy_version=policy.version,
        )
        for group, row in totals.items()
    }
