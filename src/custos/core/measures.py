"""Inspection measures: one figure per inspectorate finding, counted from the records, each with its basis.

Each domain app registers the measures it owns from its ``measures.py`` (imported at start-up, like home
panels); ``custos.reporting`` shows them on one page, through the API and the CLI. A measure is an
aggregate, never a list of people, so inspectors and analysts (aggregates only) may read it. The reader's
scope is decided once (``MeasureScope``): the whole force, or one borough.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from custos.core.policy import Policy


@dataclass(frozen=True)
class MeasureScope:
    """What a measure counts over: the force (``borough_id`` None) or one borough, on ``today``."""

    today: date
    policy: Policy
    borough_id: int | None = None


@dataclass(frozen=True)
class Measure:
    key: str  # stable identifier, "<app>.<name>", for the API, the CLI and tests
    area: str  # the page's section: "Offender management", "Investigation", ...
    title: str  # what is counted, as a sentence the reader can check against the records
    finding: str  # the inspectorate finding this measure answers
    count: int
    out_of: int | None  # the denominator when the measure is a share; None for a plain count
    basis: str  # the statute, policy key (with version) or definition the count follows
    report: str = ""  # URL name of the report a permitted reader can drill into

    @property
    def percent(self) -> float | None:
        if self.out_of is None or self.out_of == 0:
            return None
        return round(100.0 * self.count / self.out_of, 1)

    def record(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "area": self.area,
            "title": self.title,
            "finding": self.finding,
            "count": self.count,
            "out_of": self.out_of,
            "percent": self.percent,
            "basis": self.basis,
        }


MeasureBuilder = Callable[[MeasureScope], list[Measure]]
_BUILDERS: list[tuple[int, MeasureBuilder]] = []

# The page's sections, in the order the inspectorate's report takes them.
AREAS = ("Offender management", "Investigation", "Digital triage", "Victims' Code")


def register(order: int) -> Callable[[MeasureBuilder], MeasureBuilder]:
    """Register a builder; ``order`` places its measures among the others."""

    def add(builder: MeasureBuilder) -> MeasureBuilder:
        _BUILDERS.append((order, builder))
        return builder

    return add


def measures_for(scope: MeasureScope) -> list[Measure]:
    out: list[Measure] = []
    for _, builder in sorted(_BUILDERS, key=lambda b: b[0]):
        out.extend(builder(scope))
    return out
