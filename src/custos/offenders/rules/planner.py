"""Visit planner and predictability (issue 3 "Planner"; APP home visits: vary days and times).

Pure and deterministic: the same offenders, officers, period and seed always give the same plan.

* Officers are paired (no lone visits); an officer left over is reported, not sent alone.
* Visits are unannounced unless a policy reason code is given.
* Each offender's slot is chosen to be before the due date, in an area the pair is already working that
  day, and on the weekday and hour band he has been visited on least (evenings and weekends included
  when policy allows), with the seeded random number generator breaking ties.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from custos.core.policy import Policy

from .risk import RiskLevel

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HOUR_BANDS = ("morning", "afternoon", "evening")
UNKNOWN_REASON = "{reason!r} is not a policy reason code for announcing a visit"
PERIOD_BACKWARDS = "the planning period ends before it starts"
PLANNER_BASIS = "APP home visits: trained staff, varied days and times including evenings; reference rule R4"
FEW_VISITS = 3


def hour_band(hour: int, *, policy: Policy) -> str:
    """morning before noon, evening from the policy evening start, afternoon between."""
    if hour < 12:
        return "morning"
    if hour < int(policy.get("offenders.visits.evening_start_hour")):
        return "afternoon"
    return "evening"


@dataclass(frozen=True)
class Availability:
    day: date
    start_hour: int
    end_hour: int  # exclusive


@dataclass(frozen=True)
class PlannerOfficer:
    officer_id: str
    availability: tuple[Availability, ...]


@dataclass(frozen=True)
class PlannerOffender:
    offender_id: str
    due: date
    area: str  # postcode district or borough ward
    level: RiskLevel = RiskLevel.MEDIUM
    history: tuple[datetime, ...] = ()
    announce_reason: str | None = None


@dataclass(frozen=True)
class PlannedVisit:
    offender_id: str
    officers: tuple[str, str]
    at: datetime
    area: str
    due: date
    late: bool
    announced: bool
    announce_reason: str | None


@dataclass(frozen=True)
class VisitPlan:
    visits: tuple[PlannedVisit, ...]
    unplanned: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]
    unpaired: tuple[str, ...]
    seed: int
    basis: str
    policy_version: str

    def for_officer(self, officer_id: str) -> tuple[PlannedVisit, ...]:
        return tuple(v for v in self.visits if officer_id in v.officers)


def _windows(officer: PlannerOfficer, start: date, end: date, policy: Policy) -> dict[date, tuple[int, int]]:
    lo = int(policy.get("offenders.visits.window_start_hour"))
    hi = int(policy.get("offenders.visits.window_end_hour"))
    weekends = bool(policy.get("offenders.visits.weekend_visits"))
    out: dict[date, tuple[int, int]] = {}
    for a in officer.availability:
        if not (start <= a.day <= end) or (not weekends and a.day.weekday() >= 5):
            continue
        s, e = max(a.start_hour, lo), min(a.end_hour, hi)
        if s < e:
            out[a.day] = (s, e)
    return out


def _overlap(a: dict[date, tuple[int, int]], b: dict[date, tuple[int, int]]) -> dict[date, tuple[int, int]]:
    out = {}
    for day in a.keys() & b.keys():
        s, e = max(a[day][0], b[day][0]), min(a[day][1], b[day][1])
        if s < e:
            out[day] = (s, e)
    return out


def pair_officers(
    officers: Sequence[PlannerOfficer], *, start: date, end: date, rng: random.Random, policy: Policy
) -> tuple[list[tuple[str, str, dict[date, tuple[int, int]]]], list[str]]:
    """Greedy pairing by shared available hours; seeded order so nobody is always paired the same way."""
    windows = {o.officer_id: _windows(o, start, end, policy) for o in officers}
    order = sorted(windows)
    rng.shuffle(order)
    pairs: list[tuple[str, str, dict[date, tuple[int, int]]]] = []
    left: list[str] = []
    remaining = list(order)
    while remaining:
        first = remaining.pop(0)
        best, best_hours = None, 0
        for other in remaining:
            hours = sum(e - s for s, e in _overlap(windows[first], windows[other]).values())
            if hours > best_hours:
                best, best_hours = other, hours
        if best is None:
            left.append(first)
            continue
        remaining.remove(best)
        a, b = sorted((first, best))
        pairs.append((a, b, _overlap(windows[a], windows[b])))
    return pairs, sorted(left)


@dataclass
class _PairDay:
    pair: int
    day: date
    slots: list[int]  # free start minutes
    used: int = 0
    areas: set[str] = field(default_factory=set)


def plan_visits(
    offenders: Sequence[PlannerOffender],
    officers: Sequence[PlannerOfficer],
    *,
    start: date,
    end: date,
    seed: int,
    policy: Policy,
) -> VisitPlan:
    """Propose visits for ``start``-``end`` (inclusive) for offenders due by ``end`` (overdue first)."""
    if end < start:
        raise ValueError(PERIOD_BACKWARDS)
    codes = set(policy.get("offenders.visits.announce_reason_codes"))
    for o in offenders:
        if o.announce_reason is not None and o.announce_reason not in codes:
            raise ValueError(UNKNOWN_REASON.format(reason=o.announce_reason))
    rng = random.Random(seed)
    pairs, unpaired = pair_officers(officers, start=start, end=end, rng=rng, policy=policy)
    slot_minutes = int(policy.get("offenders.visits.visit_slot_minutes"))
    capacity = int(policy.get("offenders.visits.max_visits_per_pair_day"))
    evening = int(policy.get("offenders.visits.evening_start_hour"))
    pair_days = [
        _PairDay(i, day, list(range(s * 60, e * 60 - slot_minutes + 1, slot_minutes)))
        for i, (_, _, shared) in enumerate(pairs)
        for day, (s, e) in sorted(shared.items())
    ]
    wanted = sorted((o for o in offenders if o.due <= end), key=lambda o: (o.due, o.offender_id))
    area_first_due: dict[str, date] = {}
    for o in wanted:
        area_first_due.setdefault(o.area, o.due)
    wanted.sort(key=lambda o: (area_first_due[o.area], o.area, o.due, o.offender_id))
    visits: list[PlannedVisit] = []
    unplanned: list[str] = []
    planned: Counter[tuple[int, int]] = Counter()
    for o in wanted:
        choice = _best_slot(o, pair_days, capacity, rng, evening, planned)
        if choice is None:
            unplanned.append(o.offender_id)
            continue
        pd, minute = choice
        pd.slots.remove(minute)
        pd.used += 1
        pd.areas.add(o.area)
        planned[(pd.day.weekday(), 0 if minute < 720 else 1 if minute < evening * 60 else 2)] += 1
        a, b, _ = pairs[pd.pair]
        at = datetime.combine(pd.day, time(minute // 60, minute % 60))
        visits.append(
            PlannedVisit(
                o.offender_id,
                (a, b),
                at,
                o.area,
                o.due,
                pd.day > o.due,
                o.announce_reason is not None,
                o.announce_reason,
            )
        )
    visits.sort(key=lambda v: (v.at, v.officers, v.offender_id))
    return VisitPlan(
        visits=tuple(visits),
        unplanned=tuple(unplanned),
        pairs=tuple((a, b) for a, b, _ in pairs),
        unpaired=tuple(unpaired),
        seed=seed,
        basis=f"{PLANNER_BASIS}; {policy.basis('offenders.visits')} (windows, slots, reason codes)",
        policy_version=policy.version,
    )


def _best_slot(
    o: PlannerOffender,
    pair_days: list[_PairDay],
    capacity: int,
    rng: random.Random,
    evening: int,
    planned: Counter[tuple[int, int]],
) -> tuple[_PairDay, int] | None:
    """The lowest (late, other area that day, times he was seen on that weekday and band, new area day,
    visits already planned on that weekday and band, days late) slot. The seeded generator breaks ties,
    drawn only for tied candidates so the cost stays small. ``planned`` spreads the whole plan over the
    week and the day, so evenings and weekends are used even for offenders with no history."""

    def band(hour: int) -> int:
        return 0 if hour < 12 else 1 if hour < evening else 2

    weekday_seen = Counter(t.weekday() for t in o.history)
    band_seen = Counter(band(t.hour) for t in o.history)
    best: tuple[tuple[int, ...], float, _PairDay, int] | None = None
    for pd in pair_days:
        if pd.used >= capacity or not pd.slots:
            continue
        late = int(pd.day > o.due)
        mixed = int(bool(pd.areas) and o.area not in pd.areas)
        fresh = int(o.area not in pd.areas)
        lateness = (pd.day - o.due).days if late else 0
        day_seen = weekday_seen[pd.day.weekday()]
        for minute in pd.slots:
            b = band(minute // 60)
            key = (late, mixed, day_seen + band_seen[b], fresh, planned[(pd.day.weekday(), b)], lateness)
            if best is not None and key > best[0]:
                continue
            draw = rng.random()
            if best is None or key < best[0] or draw < best[1]:
                best = (key, draw, pd, minute)
    return None if best is None else (best[2], best[3])


@dataclass(frozen=True)
class Predictability:
    """How varied an offender's visits have been: Shannon entropy of weekday and hour band, 0-1."""

    visits: int
    weekday_entropy: float
    hour_band_entropy: float
    variety: float
    explanation: str
    basis: str
    policy_version: str


def _normalised_entropy(counts: Counter[str], categories: int) -> float:
    n = sum(counts.values())
    if n == 0:
        return 0.0
    h = -sum((c / n) * math.log(c / n) for c in counts.values() if c)
    # abs(): one category gives -0.0, which the record page would print as "-0.0".
    return abs(round(h / math.log(categories), 4))


def predictability(history: Sequence[datetime], *, policy: Policy) -> Predictability:
    """Normalised entropy (H / log k) of the weekday (k=7) and hour band (k=3) of past visits.

    1.0 means visits spread evenly over every weekday or band; 0.0 means always the same one. With
    fewer than three visits the figure says little, and the explanation says so.
    """
    days = Counter(WEEKDAYS[t.weekday()] for t in history)
    bands = Counter(hour_band(t.hour, policy=policy) for t in history)
    wd = _normalised_entropy(days, len(WEEKDAYS))
    hb = _normalised_entropy(bands, len(HOUR_BANDS))
    variety = round((wd + hb) / 2, 4)
    if not history:
        explanation = "no visits recorded"
    else:
        top_day, top_day_n = days.most_common(1)[0]
        top_band, top_band_n = bands.most_common(1)[0]
        explanation = (
            f"{len(history)} visits: most on {top_day} ({top_day_n}) and in the {top_band} ({top_band_n}); "
            f"weekday variety {wd:.2f}, time-of-day variety {hb:.2f} (0 = always the same, 1 = evenly spread)"
        )
        if len(history) < FEW_VISITS:
            explanation += "; too few visits to judge"
        elif variety < 0.5:
            explanation += "; predictable: vary the day and time"
    return Predictability(
        visits=len(history),
        weekday_entropy=wd,
        hour_band_entropy=hb,
        variety=variety,
        explanation=explanation,
        basis=f"{PLANNER_BASIS}; bands {policy.basis('offenders.visits.evening_start_hour')}",
        policy_version=policy.version,
    )
