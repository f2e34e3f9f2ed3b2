"""Reads of the offender register, filtered by need-to-know. Every record read and search is audited."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from custos.core import audit
from custos.core.access import break_glass_active, not_found, scope_of
from custos.offenders import access
from custos.offenders.models import (
    Alias,
    BreachCase,
    NotifiableDetail,
    Offender,
    OffenderTask,
    S96BWarrant,
    Visit,
)

VIEWED = "custos.offender.viewed"
SEARCHED = "custos.offender.searched"
# Lists of offender records a user reads (each audited as a search: the filters used and how many rows).
WORKLIST_LISTED = "custos.offender.worklist_listed"
OVERSIGHT_LISTED = "custos.offender.oversight_listed"
PLANNER_LISTED = "custos.offender.planner_listed"
HOME_PANEL_LISTED = "custos.offender.home_panel_listed"
TASKS_LISTED = "custos.offender_task.listed"
FUZZY_CUTOFF = 0.72  # difflib ratio: "Jon Smyth" matches "John Smith"; unrelated names do not


def visible_offenders(actor: Any) -> QuerySet[Offender]:
    return Offender.objects.filter(access.offender_view_q(scope_of(actor)))


def offender_get(*, actor: Any, pk: int, purpose: str = "") -> Offender:
    """One offender, for someone with need-to-know (or an active break-glass grant). Audited."""
    offender = (
        Offender.objects.select_related("borough", "team", "lead_manager", "deputy_manager")
        .filter(pk=pk, active=True)
        .first()
    )
    if offender is None:
        raise not_found()
    s = scope_of(actor)
    if access.can_view_offender(s, offender):
        audit.record_access(actor=actor, obj=offender, action=VIEWED, purpose=purpose)
        return offender
    if break_glass_active(actor, "offenders.offender", offender.pk):
        audit.record_access(actor=actor, obj=offender, action=VIEWED, purpose="break-glass", break_glass=True)
        return offender
    raise not_found()


def offender_for_change(*, actor: Any, pk: int, purpose: str = "") -> Offender:
    offender = offender_get(actor=actor, pk=pk, purpose=purpose)
    if not access.can_change_offender(scope_of(actor), offender):
        raise not_found()
    return offender


def offender_record(offender: Offender) -> dict[str, Any]:
    """Everything the detail page shows, in a fixed number of queries."""
    return {
        "aliases": list(offender.aliases.all()),
        "addresses": list(offender.addresses.all()),
        "details": list(offender.details.all()),
        "convictions": list(offender.convictions.all()),
        "away": list(offender.away_periods.all()),
        "notifications": list(offender.notifications.select_related("recorded_by")[:20]),
        "risk": list(offender.risk_assessments.select_related("assessor")[:20]),
        "visits": list(offender.visits.select_related("officer", "second_officer")[:30]),
        "tasks": list(offender.tasks.select_related("owner", "watcher").order_by("status", "due")[:50]),
        "breach_cases": list(offender.breach_cases.all()[:10]),
        "warrants": list(offender.s96b_warrants.all()[:10]),
        "photos": list(offender.photos.all()),
    }


@dataclass(frozen=True)
class SearchQuery:
    name: str = ""
    date_of_birth: date | None = None
    address: str = ""
    vrm: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: str(v) for k, v in self.__dict__.items() if v}


def _fuzzy_score(query: str, names: list[str]) -> float:
    q = query.lower()
    return max((difflib.SequenceMatcher(None, q, n.lower()).ratio() for n in names), default=0.0)


def offender_search(*, actor: Any, query: SearchQuery, limit: int = 50) -> list[Offender]:
    """Fuzzy name and alias, date of birth, address and vehicle registration. Every search is audited."""
    qs = visible_offenders(actor).filter(active=True).select_related("borough", "lead_manager")
    if query.date_of_birth:
        qs = qs.filter(date_of_birth=query.date_of_birth)
    if query.address:
        term = query.address.strip()
        qs = qs.filter(
            Q(addresses__line1__icontains=term)
            | Q(addresses__postcode__iexact=term.upper())
            | Q(addresses__town__icontains=term)
        )
    if query.vrm:
        vrm = "".join(query.vrm.split()).upper()
        qs = qs.filter(
            Exists(NotifiableDetail.objects.filter(offender=OuterRef("pk"), kind="vehicle", normalised=vrm))
        )
    results: list[Offender]
    if query.name.strip():
        words = query.name.split()
        # Candidates share an initial with a name or alias; difflib ranks them (a bounded set).
        initials = Q()
        for w in words:
            initials |= Q(last_name__istartswith=w[0]) | Q(first_name__istartswith=w[0])
            initials |= Q(aliases__last_name__istartswith=w[0])
        candidates = list(
            qs.filter(initials)
            .distinct()
            .prefetch_related(
                Prefetch("aliases", queryset=Alias.objects.only("offender_id", "first_name", "last_name"))
            )[:5000]
        )
        scored = []
        for o in candidates:
            names = [o.full_name, o.last_name, f"{o.last_name} {o.first_name}"]
            names += [f"{a.first_name} {a.last_name}".strip() for a in o.aliases.all()]
            names += [a.last_name for a in o.aliases.all()]
            score = _fuzzy_score(query.name, names)
            if score >= FUZZY_CUTOFF:
                scored.append((-score, o.last_name, o.pk, o))
        scored.sort()
        results = [o for *_, o in scored[:limit]]
    else:
        results = list(qs.distinct()[:limit]) if query.as_dict() else []
    audit.record_search(actor=actor, action=SEARCHED, query=query.as_dict(), result_count=len(results))
    return results


def list_read(*, actor: Any, action: str, filters: Mapping[str, Any], result_count: int) -> None:
    """Audit a list of offender records shown to ``actor`` (a worklist, an export, the planner, a home
    panel) as a search: the filters that chose the rows, and how many rows there were."""
    query = {k: v if isinstance(v, bool | int) else str(v) for k, v in filters.items() if v not in ("", None)}
    audit.record_search(actor=actor, action=action, query=query, result_count=result_count)


# --- worklists ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorklistFilters:
    scope: str = "mine"  # mine | team | borough | all
    level: str = ""
    step: str = ""  # a ladder step name, e.g. "breach-case"
    q: str = ""
    sort: str = "priority"


SORTS = {
    "priority": ["ladder_rank", "next_visit_due", "last_name"],
    "due": ["next_visit_due", "ladder_rank"],
    "name": ["last_name", "first_name"],
    "risk": ["rosh_level", "ladder_rank"],
    "notification": ["next_notification_due", "ladder_rank"],
}


def worklist(*, actor: Any, filters: WorklistFilters, today: date) -> QuerySet[Offender]:
    """Offenders needing attention, the longest-unseen first. Constant queries: one select + counts."""
    s = scope_of(actor)
    qs = visible_offenders(actor).filter(active=True)
    if filters.scope == "mine" and s.person_id:
        qs = qs.filter(Q(lead_manager_id=s.person_id) | Q(deputy_manager_id=s.person_id))
    elif filters.scope == "team" and s.team_id:
        qs = qs.filter(Q(team_id=s.team_id) | Q(lead_manager__team_id=s.team_id))
    elif filters.scope == "borough" and s.borough_id:
        qs = qs.filter(borough_id=s.borough_id)
    if filters.level:
        qs = qs.filter(rosh_level=filters.level)
    if filters.step:
        qs = qs.filter(ladder_steps__contains=filters.step)
    if filters.q:
        for term in filters.q.split():
            qs = qs.filter(
                Q(last_name__icontains=term) | Q(first_name__icontains=term) | Q(reference__iexact=term)
            )
    qs = qs.filter(Q(ladder_rank__lt=9) | Q(next_notification_due__lte=today + timedelta(days=30)))
    return (
        qs.select_related("borough", "lead_manager", "team")
        .annotate(open_tasks=Count("tasks", filter=Q(tasks__status="open")))
        .order_by(*SORTS.get(filters.sort, SORTS["priority"]))
    )


def tasks_for(
    *, actor: Any, kinds: tuple[str, ...] = (), include_watched: bool = True
) -> QuerySet[OffenderTask]:
    s = scope_of(actor)
    mine = Q(owner_id=s.person_id)
    if include_watched:
        mine |= Q(watcher_id=s.person_id)
    qs = OffenderTask.objects.filter(mine, status="open").filter(access.offender_view_q(s, "offender__"))
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.select_related("offender", "owner").order_by("offender__ladder_rank", "due", "pk")


def oversight_tasks(*, actor: Any, kinds: tuple[str, ...], scope: str = "borough") -> QuerySet[OffenderTask]:
    s = scope_of(actor)
    qs = OffenderTask.objects.filter(status="open", kind__in=kinds).filter(
        access.offender_view_q(s, "offender__")
    )
    if scope == "team" and s.team_id:
        qs = qs.filter(Q(offender__team_id=s.team_id) | Q(owner__team_id=s.team_id))
    elif scope == "borough" and s.borough_id and not s.is_admin:
        qs = qs.filter(offender__borough_id=s.borough_id)
    return qs.select_related("offender", "owner", "watcher").order_by("offender__ladder_rank", "episode")


def task_get(*, actor: Any, pk: int) -> OffenderTask:
    task = (
        OffenderTask.objects.select_related("offender", "owner", "watcher", "closed_by").filter(pk=pk).first()
    )
    if task is None or not access.can_view_offender(scope_of(actor), task.offender):
        raise not_found()
    audit.record_access(actor=actor, obj=task.offender, action=VIEWED, purpose=f"task {task.pk}")
    return task


def breach_case_get(*, actor: Any, pk: int) -> BreachCase:
    case = BreachCase.objects.select_related("offender", "task").filter(pk=pk).first()
    if case is None or not access.can_view_offender(scope_of(actor), case.offender):
        raise not_found()
    audit.record_access(actor=actor, obj=case.offender, action=VIEWED, purpose=f"breach case {case.pk}")
    return case


def warrant_get(*, actor: Any, pk: int) -> S96BWarrant:
    w = S96BWarrant.objects.select_related("offender").filter(pk=pk).first()
    if w is None or not access.can_change_offender(scope_of(actor), w.offender):
        raise not_found()
    return w


def visit_list(*, actor: Any, offender_id: int | None = None) -> QuerySet[Visit]:
    qs = Visit.objects.filter(access.offender_view_q(scope_of(actor), "offender__")).select_related(
        "offender", "officer", "second_officer"
    )
    if offender_id is not None:
        qs = qs.filter(offender_id=offender_id)
    return qs.order_by("-attempted_at", "-planned_for", "-pk")


@dataclass
class DashboardRow:
    person_id: int
    name: str
    caseload: int
    overdue: int
    rag: str


@dataclass
class Dashboard:
    total: int = 0
    actively_managed: int = 0
    in_date: int = 0
    compliance: float | None = None
    compliance_rag: str = ""
    announced_share: float | None = None
    visits_12m: int = 0
    overdue: list[Offender] = field(default_factory=list)
    caseloads: list[DashboardRow] = field(default_factory=list)
    announced_by_officer: list[dict[str, Any]] = field(default_factory=list)
    basis: str = ""


def dashboard(*, actor: Any, today: date, scope: str) -> Dashboard:
    """Team (DS) or borough (DI) compliance, overdue visits with ages, announced share, caseloads (RAG)."""
    from custos.core.policy import current_policy

    policy = current_policy()
    s = scope_of(actor)
    qs = visible_offenders(actor).filter(active=True)
    if scope == "team" and s.team_id:
        qs = qs.filter(Q(team_id=s.team_id) | Q(lead_manager__team_id=s.team_id))
    elif scope == "borough" and s.borough_id and not s.is_admin:
        qs = qs.filter(borough_id=s.borough_id)
    d = Dashboard()
    counts = qs.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(management_mode="active")),
        in_date=Count("pk", filter=Q(management_mode="active", next_visit_due__gte=today)),
    )
    d.total, d.actively_managed, d.in_date = counts["total"], counts["active"], counts["in_date"]
    if d.actively_managed:
        d.compliance = round(100.0 * d.in_date / d.actively_managed, 1)
        green = float(policy.get("offenders.oversight.compliance_green_percent"))
        amber = float(policy.get("offenders.oversight.compliance_amber_percent"))
        d.compliance_rag = "green" if d.compliance >= green else "amber" if d.compliance >= amber else "red"
    d.overdue = list(
        qs.filter(management_mode="active", next_visit_due__lt=today)
        .select_related("lead_manager")
        .order_by("next_visit_due")[:100]
    )
    for o in d.overdue:
        o.overdue_days = (today - o.next_visit_due).days  # type: ignore[attr-defined,operator]
    # From local midnight a year ago, as a plain comparison the attempted_at index can serve (a __date
    # lookup casts every row). One grouped query gives both the per-officer rows and the totals.
    since = timezone.make_aware(datetime.combine(today - timedelta(days=365), time.min))
    visits = Visit.objects.filter(offender__in=qs, status="recorded", attempted_at__gte=since)
    by_officer = list(
        visits.values("officer_id", "officer__first_name", "officer__last_name")
        .annotate(n=Count("pk"), announced=Count("pk", filter=Q(announced=True)))
        .order_by("-announced", "officer__last_name", "officer_id")
    )
    d.visits_12m = sum(row["n"] for row in by_officer)
    announced = sum(row["announced"] for row in by_officer)
    d.announced_share = round(100.0 * announced / d.visits_12m, 1) if d.visits_12m else None
    d.announced_by_officer = [
        {**row, "share": round(100.0 * row["announced"] / row["n"], 1) if row["n"] else None}
        for row in by_officer[:50]
    ]
    amber = int(policy.get("offenders.oversight.caseload_amber"))
    red = int(policy.get("offenders.oversight.caseload_red"))
    for row in (
        qs.filter(lead_manager__isnull=False)
        .values("lead_manager_id", "lead_manager__first_name", "lead_manager__last_name")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(next_visit_due__lt=today)))
        .order_by("-n")
    ):
        n = row["n"]
        d.caseloads.append(
            DashboardRow(
                row["lead_manager_id"],
                f"{row['lead_manager__first_name']} {row['lead_manager__last_name']}",
                n,
                row["overdue"],
                "red" if n >= red else "amber" if n >= amber else "green",
            )
        )
    d.basis = (
        f"{policy.basis('offenders.oversight.caseload_amber')}; "
        f"{policy.basis('offenders.oversight.caseload_red')}; "
        f"{policy.basis('offenders.oversight.compliance_green_percent')}; reference R4 (announced share)"
    )
    return d


# --- links --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkView:
    """A link as one viewer may see it: a target they cannot see looks exactly like unresolved free text."""

    id: int
    kind: str
    reference: str
    note: str
    url: str | None = None
    crime_id: int | None = None
    device_id: int | None = None


def offender_links(*, actor: Any, offender: Offender) -> list[LinkView]:
    """The offender's links, each pointing at its target only when the viewer has need-to-know of it."""
    from django.urls import reverse

    from custos.crimes import access as crime_access
    from custos.triage import access as device_access

    s = scope_of(actor)
    out = []
    for link in offender.links.select_related("crime", "device__lab").order_by("kind", "reference"):
        view = LinkView(link.pk, link.kind, link.reference, link.note)
        if link.crime is not None and crime_access.can_view_crime(s, link.crime):
            name = "investigations:crime" if link.kind == "investigation" else "crimes:detail"
            view = LinkView(
                **{**view.__dict__, "url": reverse(name, args=[link.crime_id]), "crime_id": link.crime_id}
            )
        elif link.device is not None and device_access.can_view_device(s, link.device):
            url = reverse("triage:device", args=[link.device_id])
            view = LinkView(**{**view.__dict__, "url": url, "device_id": link.device_id})
        out.append(view)
    return out
