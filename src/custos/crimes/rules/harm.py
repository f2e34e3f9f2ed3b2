"""Crime harm: the Cambridge Crime Harm Index (CCHI), harm = sum of count x CCHI days.

Reference §2 [S CCHI]. The weights are data (``crimes/data/cchi.csv``), not policy: they are facts about
sentencing starting points, replaced wholesale when the official Cambridge sheet is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from custos.crimes.offences import cchi_table, offence

CCHI_BASIS = "Cambridge Crime Harm Index: harm = sum of count x CCHI days (Sherman, Neyroud and Neyroud 2016)"
NEGATIVE_COUNT = "count for {key!r} must be zero or more, got {count}"


@dataclass(frozen=True)
class HarmItem:
    offence_key: str
    count: int
    cchi_group: str
    days_each: float
    days: float


@dataclass(frozen=True)
class HarmResult:
    total_days: float
    items: tuple[HarmItem, ...]
    unweighted: tuple[str, ...]  # offence keys with no CCHI weight held: reported, never silently zero
    basis: tuple[str, ...]


def crime_harm(counts: Mapping[str, int] | Iterable[tuple[str, int]]) -> HarmResult:
    """Harm of a set of crimes, e.g. ``{"robbery-personal": 1, "shoplifting": 10}`` -> 375 days."""
    pairs = counts.items() if isinstance(counts, Mapping) else counts
    totals: dict[str, int] = {}
    for key, count in pairs:
        offence(key)  # unknown keys fail loudly with the list of valid keys
        if count < 0:
            raise ValueError(NEGATIVE_COUNT.format(key=key, count=count))
        totals[key] = totals.get(key, 0) + count
    weights = cchi_table()
    items: list[HarmItem] = []
    unweighted: list[str] = []
    basis = [CCHI_BASIS]
    for key, count in totals.items():
        group = offence(key).cchi_group
        if group is None:
            unweighted.append(key)
            basis.append(f"{key}: no CCHI weight held; not counted (load the official Cambridge sheet)")
            continue
        weight = weights[group]
        items.append(HarmItem(key, count, group, weight.days, count * weight.days))
        basis.append(f"{key}: {count} x {weight.days:g} days ({weight.description}; {weight.source})")
    return HarmResult(
        total_days=sum(item.days for item in items),
        items=tuple(items),
        unweighted=tuple(unweighted),
        basis=tuple(basis),
    )
