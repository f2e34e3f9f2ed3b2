"""The Victims' Code compliance report: aggregates only (no names), for supervisors, analysts and inspectors.

- Share of obligations met on time, by right, by team and by borough. The denominator is every dated
  obligation that has fallen due (or been met), excluding those the victim declined or that did not apply.
- Enhanced-identification rate: of the victim-crimes the engine finds entitled to enhanced rights, the
  share the force has recognised as enhanced (a needs assessment in Custos). Unrecognised ones are mostly
  records inherited from before Custos.
- Ages of overdue items, in bands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, Sum, When

from custos.core.access import not_found, scope_of
from custos.victims import access
from custos.victims.models import OPEN_STATUSES, Obligation, ObligationStatus, VictimCrime
from custos.victims.rules import victims_code_rights
from custos.workforce.models import Borough, Team

AGE_BANDS = (
    (1, 5, "1 to 5 days"),
    (6, 10, "6 to 10 days"),
    (11, 20, "11 to 20 days"),
    (21, 40, "21 to 40 days"),
    (41, 10**6, "over 40 days"),
)


@dataclass(frozen=True)
class Share:
    label: str
    total: int
    on_time: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.on_time / self.total, 1) if self.total else None


@dataclass
class ComplianceReport:
    today: date
    borough_limited: bool
    by_right: list[Share] = field(default_factory=list)
    by_team: list[Share] = field(default_factory=list)
    by_borough: list[Share] = field(default_factory=list)
    overall: Share = Share("All obligations", 0, 0)
    enhanced_entitled: int = 0
    enhanced_recognised: int = 0
    victim_crimes: int = 0
    overdue_bands: list[tuple[str, int]] = field(default_factory=list)
    overdue_total: int = 0
    oldest_overdue_days: int = 0

    @property
    def identification_percent(self) -> float | None:
        if not self.enhanced_entitled:
            return None
        return round(100 * self.enhanced_recognised / self.enhanced_entitled, 1)

    def rows(self) -> list[dict[str, Any]]:
        """Flat rows for the CSV export."""
        out: list[dict[str, Any]] = []
        for section, shares in (
            ("right", self.by_right),
            ("team", self.by_team),
            ("borough", self.by_borough),
        ):
            out.extend(
                {
                    "section": section,
                    "group": s.label,
                    "due": s.total,
                    "met_on_time": s.on_time,
                    "percent": "" if s.percent is None else s.percent,
                }
                for s in shares
            )
        out.append(
            {
                "section": "enhanced-identification",
                "group": "recognised / entitled",
                "due": self.enhanced_entitled,
                "met_on_time": self.enhanced_recognised,
                "percent": "" if self.identification_percent is None else self.identification_percent,
            }
        )
        out.extend(
            {"section": "overdue-age", "group": label, "due": n, "met_on_time": "", "percent": ""}
            for label, n in self.overdue_bands
        )
        return out


def _scope(actor: Any) -> tuple[Q, Q, bool]:
    s = scope_of(actor)
    if not access.can_view_compliance(s):
        raise not_found()
    borough = access.compliance_borough(s)
    if borough is None:
        return Q(), Q(), False
    return Q(link__crime__borough_id=borough), Q(crime__borough_id=borough), True


def _shares(totals: dict[Any, list[int]], label: Any, order: Any) -> list[Share]:
    return [Share(label(k), t[0], t[1]) for k, t in sorted(totals.items(), key=lambda kv: order(kv[0]))]


def compliance_report(*, actor: Any, today: date) -> ComplianceReport:
    ob_scope, link_scope, limited = _scope(actor)
    report = ComplianceReport(today=today, borough_limited=limited)
    counted = (
        Obligation.objects.filter(ob_scope, due_on__isnull=False)
        .exclude(status__in=(ObligationStatus.DECLINED, ObligationStatus.NOT_APPLICABLE))
        .filter(Q(due_on__lte=today) | Q(status=ObligationStatus.MET))
        .annotate(
            on_time=Case(
                When(status=ObligationStatus.MET, met_on__lte=F("due_on"), then=1),
                default=0,
                output_field=IntegerField(),
            )
        )
    )
    # One pass over the obligations, counted per (right, team, borough); the report's four views are sums
    # of these few hundred cells. A London force holds millions of obligations: reading them once, not
    # four times, and never row by row in Python, is what keeps the report usable at that size.
    by_right: dict[int, list[int]] = {}
    by_team: dict[int | None, list[int]] = {}
    by_borough: dict[int, list[int]] = {}
    overall = [0, 0]
    cells = (
        counted.order_by()
        .values_list("right", "link__crime__team_id", "link__crime__borough_id")
        .annotate(total=Count("id"), ok=Sum("on_time"))
    )
    for right, team, borough, total, ok in cells:
        for totals, k in ((by_right, right), (by_team, team), (by_borough, borough)):
            cell = totals.setdefault(k, [0, 0])
            cell[0] += total
            cell[1] += ok or 0
        overall[0] += total
        overall[1] += ok or 0
    titles = {r.number: f"Right {r.number}: {r.title}" for r in victims_code_rights()}
    team_names = dict(
        Team.objects.filter(pk__in=[t for t in by_team if t is not None]).values_list("pk", "name")
    )
    borough_names = dict(Borough.objects.filter(pk__in=list(by_borough)).values_list("pk", "name"))
    report.by_right = _shares(by_right, lambda n: titles.get(n, f"Right {n}"), lambda n: n)
    # Crimes with no team last, then teams in the order they were created (as the database numbers them).
    report.by_team = _shares(
        by_team, lambda t: team_names.get(t) or "No team recorded", lambda t: (t is None, t or 0)
    )
    report.by_borough = _shares(
        by_borough, lambda b: borough_names.get(b, ""), lambda b: borough_names.get(b, "")
    )
    report.overall = Share("All obligations", overall[0], overall[1])
    links = VictimCrime.objects.filter(link_scope).aggregate(
        all=Count("id"),
        entitled=Count("id", filter=Q(enhanced=True)),
        recognised=Count("id", filter=Q(enhanced=True, recognised_enhanced=True)),
    )
    report.victim_crimes = links["all"] or 0
    report.enhanced_entitled = links["entitled"] or 0
    report.enhanced_recognised = links["recognised"] or 0
    # Overdue ages counted per due date by the database: a few hundred dates, not every overdue item.
    overdue_by_date = (
        Obligation.objects.filter(ob_scope, status__in=OPEN_STATUSES, due_on__lt=today)
        .order_by()
        .values_list("due_on")
        .annotate(n=Count("id"))
    )
    ages = [((today - d).days, n) for d, n in overdue_by_date if d is not None]
    report.overdue_total = sum(n for _, n in ages)
    report.oldest_overdue_days = max((a for a, _ in ages), default=0)
    report.overdue_bands = [(label, sum(n for a, n in ages if lo <= a <= hi)) for lo, hi, label in AGE_BANDS]
    return report
