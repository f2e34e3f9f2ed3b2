"""`custos sweep`: the nightly checks. Apps register sweeps; each returns counts of what it created.

Every sweep must be idempotent: an immediate second run creates nothing new.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


@dataclass
class SweepResult:
    name: str
    created: dict[str, int] = field(default_factory=dict)
    checked: int = 0
    notes: list[str] = field(default_factory=list)


SweepFn = Callable[[date], SweepResult]
_SWEEPS: list[tuple[str, SweepFn]] = []


def register(name: str) -> Callable[[SweepFn], SweepFn]:
    def deco(fn: SweepFn) -> SweepFn:
        _SWEEPS.append((name, fn))
        return fn

    return deco


def run_all(today: date) -> list[SweepResult]:
    return [fn(today) for _, fn in _SWEEPS]
