"""Reads for allocation: the supervisor queue, allocations, workload RAG (investigator, team, borough),
supervisors' span of control and training, and the override rate. Each view runs a fixed number of
queries whatever the number of rows (aggregation happens in one pass over one result set)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from custos.allocation import access, inputs
from custos.allocation.engine import RAG, over_red_flag, rag_status
from custos.allocation.engine.explain import KEPT_WITH_LINKED, LINKED_GROUP, LINKED_GROUP_SPLIT
from custos.allocation.held import HeldAggregate, HeldCount, held_by_officer, held_counts_by_officer
from custos.allocation.models import Allocation, AllocationKind, ConflictKind, ConflictOfInterest, QueueEntry
from custos.core import audit
from custos.core.access import not_found, scope_of
from custos.core.policy import Policy
from custos.crimes import access as crime_access
from custos.crimes import selectors as crime_selectors
from custos.crimes.models import Crime
from custos.workforce.models import Borough, Person


def queue(*, actor: Any, borough: str = "") -> QuerySet[QueueEntry]:
    qs = QueueEntry.objects.filter(
        crime_access.crime_view_q(scope_of(actor), prefix="crime__"),
        crime__status="open",
        crime__officer__isnull=True,
    ).select_related("crime", "crime__borough")
    if borough:
        qs = qs.filter(crime__borough__code=borough)
    return qs.order_by("first_queued_at", "crime__reference")


def not_yet_run(*, actor: Any) -> QuerySet[Crime]:
    """Open crimes with no investigator that no allocation run has looked at yet (so not in the queue)."""
    filters = crime_selectors.CrimeFilters(unallocated=True)
    return crime_selectors.crime_list(actor=actor, filters=filters).filter(queue_entry__isnull=True)


def allocations(*, actor: Any, kind: str = "", crime_id: int | None = None) -> QuerySet[Allocation]:
    qs = Allocation.objects.filter(
        crime_access.crime_view_q(scope_of(actor), prefix="crime__")
    ).select_related("crime", "officer", "supervisor", "crime__borough")
    if kind:
        qs = qs.filter(kind=kind)
    if crime_id is not None:
        qs = qs.filter(crime_id=crime_id)
    return qs


def allocation_get(*, actor: Any, pk: int) -> Allocation:
    row = allocations(actor=actor).filter(pk=pk).first()
    if row is None:
        raise not_found()
    return row


def officer_labels(staff_numbers: Iterable[str]) -> dict[str, str]:
    """Rank, name and staff number for the engine's officer ids (staff numbers), for pages to show."""
    wanted = {str(n) for n in staff_numbers if n}
    return {p.staff_number: str(p) for p in Person.objects.filter(staff_number__in=wanted)}


def _linked_references(reason: str) -> list[str]:
    """The crime references an engine reason names (a linked group kept together or split), if any."""
    if reason.startswith(KEPT_WITH_LINKED):
        return reason[len(KEPT_WITH_LINKED) :].split(", ")
    if reason.startswith(LINKED_GROUP) and reason.endswith(LINKED_GROUP_SPLIT):
        return [reason[len(LINKED_GROUP) : -len(LINKED_GROUP_SPLIT)]]
    return []


def _others(n: int) -> str:
    return f"{n} other linked crime{'' if n == 1 else 's'}"


def reasons_for_reader(reasons: Iterable[str], *, actor: Any) -> list[str]:
    """Engine reasons re-worded so they name only crimes this reader may open.

    A force-wide run keeps a linked series together across boroughs, so a crime's explanation can name
    its partner in a borough the reader has no need to know about: that reference is counted, never shown.
    """
    reasons = [str(r) for r in reasons]
    named = {ref for r in reasons for ref in _linked_references(r)}
    if not named:
        return reasons
    visible = set(
        Crime.objects.filter(
            crime_access.crime_view_q(scope_of(actor)), reference__in=sorted(named)
        ).values_list("reference", flat=True)
    )
    out = []
    for r in reasons:
        refs = _linked_references(r)
        hidden = sum(1 for ref in refs if ref not in visible)
        if not hidden:
            out.append(r)
        elif r.startswith(KEPT_WITH_LINKED):
            shown = [ref for ref in refs if ref in visible]
            out.append(
                KEPT_WITH_LINKED + ", ".join(shown) + f" and {_others(hidden)}"
                if shown
                else f"kept with {_others(hidden)}"
            )
        else:
            out.append(LINKED_GROUP.rstrip() + LINKED_GROUP_SPLIT)
    return out


def explanation_for_display(explanation: dict[str, Any], *, actor: Any) -> dict[str, Any]:
    """An allocation's stored explanation as this reader may see it: each next-best candidate named, not
    just numbered, and only the linked crimes the reader may open named by reference."""
    next_best = list(explanation.get("next_best") or ())
    labels = officer_labels(n.get("officer", "") for n in next_best)
    return {
        **explanation,
        "reasons": reasons_for_reader(explanation.get("reasons") or (), actor=actor),
        "next_best": [
            {**n, "officer_label": labels.get(n.get("officer", ""), n.get("officer"))} for n in next_best
        ],
    }


class WorkloadOfficer(NamedTuple):
    """An investigator as the workload views show them: plain values, not a model row with its borough and
    team. A London borough has ~400 investigators; as model instances they were ~5,000 objects a request,
    enough to set off the garbage collector's full collections (~190 ms each) every twenty requests or so.
    A tuple of plain values is also untracked by the collector once it has been seen."""

    pk: int
    first_name: str
    last_name: str
    staff_number: str
    pip_level: int
    probationer: bool
    borough_id: int
    borough_code: str
    borough_name: str
    team_id: int | None
    team_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @classmethod
    def of(cls, p: Person) -> WorkloadOfficer:
        team = p.team
        return cls(
            p.pk,
            p.first_name,
            p.last_name,
            p.staff_number,
            int(p.pip_level),
            p.probationer,
            p.borough_id,
            p.borough.code,
            p.borough.name,
            p.team_id,
            team.name if team else "",
        )


WORKLOAD_OFFICER_COLUMNS = (
    "pk",
    "first_name",
    "last_name",
    "staff_number",
    "pip_level",
    "probationer",
    "borough_id",
    "borough__code",
    "borough__name",
    "team_id",
    "team__name",
)


@dataclass
class InvestigatorLoad:
    person: WorkloadOfficer
    open_crimes: int
    weighted_load: float
    rag: RAG
    over_25: bool
    oldest_days: int
    ages: dict[str, int] = field(default_factory=dict)  # age band -> count, youngest band first
    # False while only counted (``weighed=False``): weighted_load and ages are not yet known; see ``weigh``.
    weighed: bool = True


def _load_of(person: WorkloadOfficer, held: HeldAggregate | None, *, policy: Policy) -> InvestigatorLoad:
    n = held.open_crimes if held else 0
    return InvestigatorLoad(
        person=person,
        open_crimes=n,
        weighted_load=round(held.weighted_load, 2) if held else 0.0,
        rag=rag_status(n, person.probationer, policy=policy),
        over_25=over_red_flag(n, policy=policy),
        oldest_days=held.oldest_days if held else 0,
        ages=dict(held.ages) if held else {},
    )


def _counted(person: WorkloadOfficer, held: HeldCount | None, *, policy: Policy) -> InvestigatorLoad:
    n = held.open_crimes if held else 0
    return InvestigatorLoad(
        person=person,
        open_crimes=n,
        weighted_load=0.0,
        rag=rag_status(n, person.probationer, policy=policy),
        over_25=over_red_flag(n, policy=policy),
        oldest_days=held.oldest_days if held else 0,
        weighed=not n,  # holding nothing, there is nothing to weigh
    )


def investigator_loads(
    *,
    actor: Any,
    today: date,
    policy: Policy,
    borough: str = "",
    team: int | None = None,
    weighed: bool = True,
) -> list[InvestigatorLoad]:
    """RAG per investigator in view (their own borough for supervisors; all boroughs for administrators).

    ``weighed=False`` counts crimes only (RAG, flags, ages of the oldest, group totals) and leaves the
    weighted load and age bands to ``weigh``, for a page that shows a few of many investigators.
    """
    s = scope_of(actor)
    q = inputs.investigator_q()
    if not s.is_admin:
        q &= Q(borough_id=s.borough_id) if s.borough_id else Q(pk__in=[])
    if borough:
        q &= Q(borough__code=borough)
    if team is not None:
        q &= Q(team_id=team)
    officers = Person.objects.filter(q)
    rows = officers.order_by("last_name", "first_name").values_list(*WORKLOAD_OFFICER_COLUMNS)
    people = [
        WorkloadOfficer(pk, first, last, number, int(pip), trainee, b_id, b_code, b_name, t_id, t_name or "")
        for pk, first, last, number, pip, trainee, b_id, b_code, b_name, t_id, t_name in rows
    ]
    if not people:
        return []
    if not weighed:
        counts = held_counts_by_officer(officers.values("pk"), today=today)
        return [_counted(p, counts.get(p.pk), policy=policy) for p in people]
    held = held_by_officer(officers.values("pk"), today=today, policy=policy)
    return [_load_of(p, held.get(p.pk), policy=policy) for p in people]


def weigh(rows: Iterable[InvestigatorLoad], *, today: date, policy: Policy) -> None:
    """Fill in the weighted load and age bands of counted rows (one grouped query for all of them)."""
    todo = [r for r in rows if not r.weighed]
    held = held_by_officer([r.person.pk for r in todo], today=today, policy=policy)
    for r in todo:
        h = held.get(r.person.pk)
        r.weighted_load = round(h.weighted_load, 2) if h else 0.0
        r.ages = dict(h.ages) if h else {}
        r.weighed = True


@dataclass
class GroupLoad:
    key: Any
    label: str
    borough_code: str = ""  # the group's borough (a team's), so a page can link to its investigators
    investigators: int = 0
    open_crimes: int = 0
    weighted_load: float | None = 0.0  # None when built from rows only counted, not weighed
    red: int = 0
    amber: int = 0
    over_25: int = 0
    oldest_days: int = 0

    @property
    def mean_load(self) -> float:
        return round(self.open_crimes / self.investigators, 1) if self.investigators else 0.0


def group_loads(rows: list[InvestigatorLoad], by: str) -> list[GroupLoad]:
    groups: dict[Any, GroupLoad] = {}
    for r in rows:
        if by == "team":
            key, label = r.person.team_id, (r.person.team_name or "No team")
        else:
            key, label = r.person.borough_id, r.person.borough_name
        g = groups.setdefault(key, GroupLoad(key, label, r.person.borough_code))
        g.investigators += 1
        g.open_crimes += r.open_crimes
        g.weighted_load = (
            round(g.weighted_load + r.weighted_load, 2) if r.weighed and g.weighted_load is not None else None
        )
        g.red += r.rag is RAG.RED
        g.amber += r.rag is RAG.AMBER
        g.over_25 += r.over_25
        g.oldest_days = max(g.oldest_days, r.oldest_days)
    return sorted(groups.values(), key=lambda g: g.label)


@dataclass
class SupervisorRow:
    person: Person
    span: int
    over_span: bool
    training_current: bool
    training_note: str


def _supervisors_in_view(actor: Any, borough: str) -> QuerySet[Person]:
    """Line supervisors of the investigators in view, each annotated with ``n``, their active reports."""
    s = scope_of(actor)
    q = inputs.investigator_q()
    if not s.is_admin:
        q &= Q(borough_id=s.borough_id) if s.borough_id else Q(pk__in=[])
    if borough:
        q &= Q(borough__code=borough)
    return (
        Person.objects.filter(pk__in=Person.objects.filter(q).values("line_supervisor_id"))
        .annotate(n=Count("supervisees", filter=Q(supervisees__active=True)))
        .select_related("borough", "team")
    )


def _supervisor_row(p: Person, *, today: date, limit: int) -> SupervisorRow:
    expires = p.workload_training_expires
    if p.workload_training_on is None:
        current, note = False, "no workload-management training recorded"
    elif expires is not None and expires < today:
        current, note = False, f"workload-management training expired {expires:%d %b %Y}"
    else:
        current, note = True, f"trained {p.workload_training_on:%d %b %Y}"
    span = int(getattr(p, "n", 0))
    return SupervisorRow(p, span, span > limit, current, note)


def supervisors(*, actor: Any, today: date, policy: Policy, borough: str = "") -> list[SupervisorRow]:
    """Supervisors of investigators: span of control against policy, and workload-management training."""
    limit = int(policy.get("allocation.supervisor_span_of_control"))
    sups = _supervisors_in_view(actor, borough).order_by("last_name", "first_name")
    return [_supervisor_row(p, today=today, limit=limit) for p in sups]


@dataclass
class SupervisorsPage:
    page: Page[Any]  # of SupervisorRow
    flagged: int  # over the span of control or without current training, in the whole list


def supervisors_needing_attention_first(
    *, actor: Any, today: date, policy: Policy, borough: str = "", page: str | None = None, per_page: int = 50
) -> SupervisorsPage:
    """One page of ``supervisors``, those over the span or without current training first.

    The flags are decided in SQL so that a force's ~800 supervisors are not built to show 50; the same
    flags as ``_supervisor_row`` (tested to agree).
    """
    limit = int(policy.get("allocation.supervisor_span_of_control"))
    flagged_q = Q(n__gt=limit) | Q(workload_training_on__isnull=True) | Q(workload_training_expires__lt=today)
    sups = _supervisors_in_view(actor, borough).annotate(
        attention=Case(When(flagged_q, then=Value(0)), default=Value(1), output_field=IntegerField())
    )
    paginator = Paginator(sups.order_by("attention", "last_name", "first_name", "pk"), per_page)
    shown = paginator.get_page(page)
    rows = [_supervisor_row(p, today=today, limit=limit) for p in shown.object_list]
    return SupervisorsPage(Page(rows, shown.number, paginator), sups.filter(attention=0).count())


@dataclass(frozen=True)
class OverrideRate:
    since: date
    allocations: int
    overrides: int

    @property
    def percent(self) -> float | None:
        return None if not self.allocations else round(100 * self.overrides / self.allocations, 1)


def override_rate(*, actor: Any, today: date, days: int = 90) -> OverrideRate:
    since = today - timedelta(days=days)
    counts = (
        allocations(actor=actor)
        .filter(created_at__date__gte=since)
        .aggregate(total=Count("pk"), overrides=Count("pk", filter=Q(kind=AllocationKind.OVERRIDE)))
    )
    return OverrideRate(since, int(counts["total"] or 0), int(counts["overrides"] or 0))


def boroughs_in_view(actor: Any) -> QuerySet[Borough]:
    s = scope_of(actor)
    if s.is_admin:
        return Borough.objects.all()
    return Borough.objects.filter(pk=s.borough_id) if s.borough_id else Borough.objects.none()


# -- conflicts of interest ------------------------------------------------------------------------------


def conflicts(
    *, actor: Any, officer_id: int | None = None, crime_id: int | None = None, active: bool | None = True
) -> QuerySet[ConflictOfInterest]:
    """Conflicts in the actor's view; ``active`` None for all, False for withdrawn ones only."""
    qs = ConflictOfInterest.objects.filter(access.conflict_view_q(scope_of(actor))).select_related(
        "officer", "officer__borough", "crime", "declared_by", "withdrawn_by"
    )
    if officer_id is not None:
        qs = qs.filter(officer_id=officer_id)
    if crime_id is not None:
        qs = qs.filter(crime_id=crime_id)
    if active is not None:
        qs = qs.filter(withdrawn_at__isnull=active)
    return qs.order_by("-declared_at", "-pk")


def workload_exported(*, actor: Any, query: dict[str, Any], result_count: int) -> None:
    """A workload CSV was downloaded: it names investigators and their caseloads, so it is audited like
    the other exports of personal records, with the filter and how many people it names."""
    audit.record_search(
        actor=actor,
        action="custos.workload.exported",
        query={**query, "format": "csv"},
        result_count=result_count,
    )


def conflicts_searched(*, actor: Any, query: dict[str, Any], result_count: int) -> None:
    """A list of conflicts was shown: audited like any search of personal records."""
    audit.record_search(
        actor=actor, action="custos.conflict_of_interest.searched", query=query, result_count=result_count
    )


def conflict_get(*, actor: Any, pk: int) -> ConflictOfInterest:
    """One conflict, if in view; the read is audited (it says something personal about an officer)."""
    row = conflicts(actor=actor, active=None).filter(pk=pk).first()
    if row is None:
        raise not_found()
    audit.record_access(actor=actor, obj=row, action="custos.conflict_of_interest.viewed")
    return row


def conflicts_for_crime(*, actor: Any, crime: Crime) -> list[ConflictOfInterest]:
    """Active conflicts in view that bind on this crime: with it, its series, or a suspect or victim."""
    names = inputs.crime_names([crime.pk]).get(crime.pk, set())
    q = Q(kind=ConflictKind.CRIME, crime_id=crime.pk)
    if crime.series_id:
        q |= Q(kind=ConflictKind.SERIES, series_id=crime.series_id)
    if names:
        q |= Q(kind=ConflictKind.PERSON, name_key__in=sorted(names))
    return list(conflicts(actor=actor).filter(q))


@dataclass
class OfficerWorkload:
    person: Person
    load: InvestigatorLoad
    crimes: list[Crime]


def officer_workload(*, actor: Any, person_id: int, today: date, policy: Policy) -> OfficerWorkload:
    """One officer's workload page: their RAG, the open crimes they hold (oldest first)."""
    person = Person.objects.select_related("borough", "team", "line_supervisor").filter(pk=person_id).first()
    if person is None or not access.can_view_workload_of(scope_of(actor), person):
        raise not_found()
    held = held_by_officer([person.pk], today=today, policy=policy)
    load = _load_of(WorkloadOfficer.of(person), held.get(person.pk), policy=policy)
    crimes = list(
        Crime.objects.filter(officer=person, status="open")
        .select_related("borough")
        .order_by("recorded_on", "reference")[:500]
    )
    return OfficerWorkload(person, load, crimes)
