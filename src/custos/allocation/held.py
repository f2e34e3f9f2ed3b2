"""Held crimes aggregated per officer in SQL, for the workload views.

One grouped query gives each officer's open crimes, weighted load, oldest crime and count per age band,
without a Python object per held crime (a London borough holds ~1,700: building them made the garbage
collector's pauses the workload pages' p95). The weighted load is the engine's ``crime_weight`` written as
SQL: ``Case``/``When`` on the tier with the policy's weights as query parameters, times the enhanced-victim
factor, times the many-open-lines factor; the lines counted are those of ``inputs.held_crimes`` (the open
lines on the plan, or the lines expected at intake before a plan exists). Every policy weight is a
multiple of 1/8 under the default policy, so the sum is exact in either order and equals the per-crime
computation (asserted in tests/allocation/test_workload_aggregate.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan

from custos.allocation.engine.workload import key
from custos.core.policy import Policy
from custos.crimes.intake import ENHANCED_FLAGS
from custos.crimes.models import Crime, CrimeStatus
from custos.investigations.models import LineOfEnquiry

# (upper limit in days, exclusive; label), youngest first: a crime's age is today - recorded_on.
AGE_BANDS = ((30, "under 30 days"), (90, "30-89 days"), (180, "90-179 days"), (10**6, "180 days or more"))


@dataclass(frozen=True)
class HeldAggregate:
    open_crimes: int
    weighted_load: float
    oldest_days: int
    ages: dict[str, int] = field(default_factory=dict)  # age band -> count, youngest band first, no zeros


def _weight(policy: Policy) -> Case:
    """crime_weight(tier, enhanced_victim, open_lines) over a crimes queryset annotated with ``lines``."""
    tier = Case(
        *(When(tier=t, then=Value(float(w))) for t, w in sorted(policy.get(key("tier_weight")).items())),
        output_field=FloatField(),
    )  # NULL for a tier without a weight: crime_weight refuses one, so no held crime has it
    enhanced = Q()
    for f in ENHANCED_FLAGS:
        enhanced |= Q(**{f: True})
    victim = Case(
        When(enhanced, then=Value(float(policy.get(key("enhanced_victim_factor"))))),
        default=Value(1.0),
        output_field=FloatField(),
    )
    lines = Case(
        When(
            GreaterThan(F("lines"), Value(int(policy.get(key("many_open_lines"))))),
            then=Value(float(policy.get(key("many_open_lines_factor")))),
        ),
        default=Value(1.0),
        output_field=FloatField(),
    )
    return tier * victim * lines  # type: ignore[return-value]


def held_by_officer(
    officer_ids: Iterable[int] | QuerySet[Any], *, today: date, policy: Policy
) -> dict[int, HeldAggregate]:
    """Per officer holding any open tiered crime among ``officer_ids``: their held crimes in aggregate.

    ``officer_ids`` may be a queryset of person ids, which the database reads as a subquery: a force-wide
    reader's 12,568 investigators as a list of parameters cost more to bind than the aggregate itself.
    """
    ids: list[int] | QuerySet[Any] = officer_ids if isinstance(officer_ids, QuerySet) else list(officer_ids)
    if isinstance(ids, list) and not ids:
        return {}
    # Before a plan exists, the lines expected at intake stand in for the open ones (as inputs.held_crimes).
    # The open lines are counted on the plan already joined (plan_id = the plan's id), not through the plan's
    # crime as inputs.held_crimes does: one index probe fewer per crime (30 -> 18 ms for a London borough).
    open_lines = (
        LineOfEnquiry.objects.filter(plan_id=OuterRef("plan__id"), status="")
        .order_by()
        .values("plan_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    lines = Case(
        When(plan__id__isnull=True, then=F("expected_lines_of_enquiry")),
        default=Coalesce(Subquery(open_lines, output_field=IntegerField()), Value(0)),
    )
    # prev <= age < limit  <=>  today - limit < recorded_on <= today - prev: plain comparisons of the
    # column (no per-row date arithmetic); the last band has no upper limit.
    bands: dict[str, Count] = {}
    prev = None
    for n, (limit, _) in enumerate(AGE_BANDS):
        conditions = []
        if n < len(AGE_BANDS) - 1:
            conditions.append(Q(recorded_on__gt=today - timedelta(days=limit)))
        if prev is not None:
            conditions.append(Q(recorded_on__lte=today - timedelta(days=prev)))
        bands[f"band{n}"] = Count("pk", filter=Q(*conditions))
        prev = limit
    rows = (
        Crime.objects.filter(status=CrimeStatus.OPEN, officer_id__in=ids)
        .exclude(tier="")
        .annotate(lines=lines)
        .order_by()
        .values("officer_id")
        .annotate(n=Count("pk"), load=Sum(_weight(policy)), first=Min("recorded_on"), **bands)
    )
    out: dict[int, HeldAggregate] = {}
    for r in cast("Iterable[dict[str, Any]]", rows):
        out[r["officer_id"]] = HeldAggregate(
            open_crimes=int(r["n"]),
            weighted_load=float(r["load"] or 0.0),
            oldest_days=(today - r["first"]).days,
            ages={label: int(r[f"band{n}"]) for n, (_, label) in enumerate(AGE_BANDS) if r[f"band{n}"]},
        )
    return out


@dataclass(frozen=True)
class HeldCount:
    open_crimes: int
    oldest_days: int


def held_counts_by_officer(
    officer_ids: Iterable[int] | QuerySet[Any], *, today: date
) -> dict[int, HeldCount]:
    """Per officer: open tiered crimes and the oldest one's age, without the weighted load.

    That is all RAG, the over-25 flag, sorting by load or age and the team and borough totals need. The
    weighted load counts the open lines of every held crime, a subquery per crime, so a force-wide page
    counts everyone here and weighs only the officers it shows (``held_by_officer`` on one page).
    """
    ids: list[int] | QuerySet[Any] = officer_ids if isinstance(officer_ids, QuerySet) else list(officer_ids)
    if isinstance(ids, list) and not ids:
        return {}
    rows = (
        Crime.objects.filter(status=CrimeStatus.OPEN, officer_id__in=ids)
        .exclude(tier="")
        .order_by()
        .values_list("officer_id")
        .annotate(n=Count("pk"), first=Min("recorded_on"))
    )
    return {officer: HeldCount(int(n), (today - first).days) for officer, n, first in rows}
