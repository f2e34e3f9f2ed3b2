"""The Victims' Code compliance report: aggregates only (no names), for supervisors, analysts and inspectors.

- Share of obligations met on time, by right, by team and by borough. The denominator is every dated
  obligation that has fallen due (or been met), excluding those the victim declined or that did not apply.
- Enhanced-identification rate: of the victim-crimes the engine finds entitled to enhanced rights, the
  share the force has recognised as enhanced (a needs assessment in Custos). Unrecognised ones are mostly
  records inherited from before Custos.
- Ages of overdue items, in bands.

The figures come from the day's `ComplianceSnapshot`, taken for the whole force by the nightly sweep (or by
`custos victims compliance --snapshot`), and the page says when it was taken. Without one for today they are
counted for the request, which is quick for a borough-sized force and far too slow for London.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.utils import timezone

from custos.core import audit
from custos.core.access import not_found, scope_of
from custos.core.policy import current_policy
from custos.victims import access
from custos.victims.models import (
    OPEN_STATUSES,
    ComplianceSnapshot,
    Obligation,
    ObligationStatus,
    VictimCrime,
)
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
    as_at: datetime | None = None  # when the snapshot read was taken; None when counted for this request

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


def _scope(actor: Any) -> int | None:
    """The borough the reader's figures are limited to (None: the whole force); 404 for anyone else."""
    s = scope_of(actor)
    if not access.can_view_compliance(s):
        raise not_found()
    return access.compliance_borough(s)


@dataclass(frozen=True)
class Counts:
    """What the report is built from, per borough so a borough-limited reader's share can be picked out."""

    cells: list[tuple[int, int | None, int, int, int]]  # right, team, borough, due, met on time
    overdue: list[tuple[int, date, int]]  # borough, due date, open obligations past it
    links: list[tuple[int, int, int, int]]  # borough, victim-crimes, enhanced entitled, enhanced recognised

    def in_borough(self, borough: int | None) -> Counts:
        if borough is None:
            return self
        return Counts(
            [c for c in self.cells if c[2] == borough],
            [o for o in self.overdue if o[0] == borough],
            [link for link in self.links if link[0] == borough],
        )


def count(*, today: date, borough: int | None = None) -> Counts:
    """Count the force's (or one borough's) obligations: three grouped queries, a few hundred rows back.

    Millions of obligations at London scale are read once, never row by row in Python; even so this
    takes tens of seconds for a whole London force, which is why the nightly sweep stores it
    (`take_snapshot`) and the page reads the day's snapshot.
    """
    ob_scope = Q(link__crime__borough_id=borough) if borough is not None else Q()
    link_scope = Q(crime__borough_id=borough) if borough is not None else Q()
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
    cells = (
        counted.order_by()
        .values_list("right", "link__crime__team_id", "link__crime__borough_id")
        .annotate(total=Count("id"), ok=Sum("on_time"))
    )
    overdue = (
        Obligation.objects.filter(ob_scope, status__in=OPEN_STATUSES, due_on__lt=today)
        .order_by()
        .values_list("link__crime__borough_id", "due_on")
        .annotate(n=Count("id"))
    )
    links = (
        VictimCrime.objects.filter(link_scope)
        .order_by()
        .values_list("crime__borough_id")
        .annotate(
            all=Count("id"),
            entitled=Count("id", filter=Q(enhanced=True)),
            recognised=Count("id", filter=Q(enhanced=True, recognised_enhanced=True)),
        )
    )
    return Counts(
        cells=[(r, t, b, n, ok or 0) for r, t, b, n, ok in cells],
        overdue=[(b, d, n) for b, d, n in overdue if d is not None],
        links=[(b, a, e, rec) for b, a, e, rec in links],
    )


@transaction.atomic
def take_snapshot(*, today: date) -> ComplianceSnapshot:
    """Count the whole force now and keep it as the day's figures (replacing any earlier one of the day)."""
    started = time.perf_counter()
    counts = count(today=today)
    ComplianceSnapshot.objects.filter(as_of=today).delete()
    keep_days = int(current_policy().get("victims.compliance_snapshot_days_kept"))
    ComplianceSnapshot.objects.filter(as_of__lt=today - timedelta(days=keep_days)).delete()
    snapshot = ComplianceSnapshot.objects.create(
        as_of=today,
        taken_at=timezone.now(),
        policy_version=current_policy().version,
        seconds=round(time.perf_counter() - started, 3),
        cells=[list(c) for c in counts.cells],
        overdue=[[b, d.isoformat(), n] for b, d, n in counts.overdue],
        links=[list(link) for link in counts.links],
    )
    audit.record(
        actor=None,
        action="custos.victims.compliance_snapshot.taken",
        obj=snapshot,
        changes={"as_of": today.isoformat(), "cells": len(counts.cells), "seconds": snapshot.seconds},
    )
    return snapshot


def _from_snapshot(snapshot: ComplianceSnapshot) -> Counts:
    return Counts(
        cells=[(r, t, b, n, ok) for r, t, b, n, ok in snapshot.cells],
        overdue=[(b, date.fromisoformat(d), n) for b, d, n in snapshot.overdue],
        links=[(b, a, e, rec) for b, a, e, rec in snapshot.links],
    )


def _shares(totals: dict[Any, list[int]], label: Any, order: Any) -> list[Share]:
    return [Share(label(k), t[0], t[1]) for k, t in sorted(totals.items(), key=lambda kv: order(kv[0]))]


def compliance_report(*, actor: Any, today: date, live: bool = False) -> ComplianceReport:
    """This reader's report: from the day's snapshot if there is one (unless `live`), else counted now."""
    return report_for(borough=_scope(actor), today=today, live=live)


def report_for(*, borough: int | None, today: date, live: bool = False) -> ComplianceReport:
    """The force's (``borough`` None) or one borough's report, for a reader already admitted to it."""
    snapshot = None if live else ComplianceSnapshot.objects.filter(as_of=today).first()
    if snapshot is not None:
        counts = _from_snapshot(snapshot).in_borough(borough)
    else:
        counts = count(today=today, borough=borough)
    report = build(counts, today=today, borough_limited=borough is not None)
    report.as_at = snapshot.taken_at if snapshot is not None else None
    return report


def build(counts: Counts, *, today: date, borough_limited: bool) -> ComplianceReport:
    """The report's views, each a sum over the same counted cells."""
    report = ComplianceReport(today=today, borough_limited=borough_limited)
    by_right: dict[Any, list[int]] = {}
    by_team: dict[Any, list[int]] = {}  # team id, or None for crimes with no team recorded
    by_borough: dict[Any, list[int]] = {}
    overall = [0, 0]
    for right, team, borough, total, ok in counts.cells:
        keyed: tuple[tuple[dict[Any, list[int]], Any], ...] = (
            (by_right, right),
            (by_team, team),
            (by_borough, borough),
        )
        for totals, k in keyed:
            cell = totals.setdefault(k, [0, 0])
            cell[0] += total
            cell[1] += ok
        overall[0] += total
        overall[1] += ok
    titles = {r.number: f"Right {r.number}: {r.title}" for r in victims_code_rights()}
    teams = Team.objects.filter(pk__in=[t for t in by_team if t is not None]).values_list(
        "pk", "name", "borough__name"
    )
    # Every borough has its "Response 1" and "CID 1": across the force a team is named with its borough.
    team_names = {pk: name if borough_limited else f"{name} ({borough})" for pk, name, borough in teams}
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
    report.victim_crimes = sum(link[1] for link in counts.links)
    report.enhanced_entitled = sum(link[2] for link in counts.links)
    report.enhanced_recognised = sum(link[3] for link in counts.links)
    ages = [((today - d).days, n) for _, d, n in counts.overdue]
    report.overdue_total = sum(n for _, n in ages)
    report.oldest_overdue_days = max((a for a, _ in ages), default=0)
    report.overdue_bands = [(label, sum(n for a, n in ages if lo <= a <= hi)) for lo, hi, label in AGE_BANDS]
    return report
