"""The allocation engine's plain inputs, built from the database.

Investigators are active officers below sergeant with PIP1 or above in investigating teams; their
specialisms are current workforce accreditations (members of safeguarding teams also hold the
safeguarding strand that the tiering policy routes child and vulnerable victims to); availability comes
from today's absences and their contracted hours; their load from the open crimes they hold now.
A crime carries the staff numbers of officers with an active declared conflict of interest with it
(the crime itself, its linked series, or a suspect or victim of it by name); the engine excludes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from custos.allocation.engine import CrimeToAllocate, Investigator, OpenCase, Supervisor, weighted_load
from custos.allocation.models import ConflictKind, ConflictOfInterest
from custos.core.policy import Policy
from custos.crimes.intake import ENHANCED_FLAGS
from custos.crimes.models import Crime, CrimeStatus, Suspect
from custos.investigations.models import LineOfEnquiry
from custos.workforce import ranks
from custos.workforce.models import Absence, Accreditation, Borough, Person, TeamType

INVESTIGATING_TEAMS = (
    TeamType.CID,
    TeamType.SAFEGUARDING,
    TeamType.OCSAE,
    TeamType.RESPONSE,
    TeamType.NEIGHBOURHOOD,
)
TEAM_STRANDS = {TeamType.SAFEGUARDING: "safeguarding"}
BELOW_SERGEANT = [r for r, _ in ranks.RANK_CHOICES if ranks.is_officer(r) and ranks.seniority(r) < 20]
FORCE_WIDE_PIP = 3  # T3/T4 candidates are searched force-wide (policy allocation.force_wide_tiers)


def investigator_q(borough: Borough | None = None) -> Q:
    q = Q(active=True, pip_level__gte=1, rank__in=BELOW_SERGEANT, team__team_type__in=INVESTIGATING_TEAMS)
    if borough is not None:
        q &= Q(borough=borough) | Q(pip_level__gte=FORCE_WIDE_PIP)
    return q


@dataclass(frozen=True)
class HeldCrime:
    officer_id: int
    case: OpenCase
    series_id: str
    recorded_on: date


def _open_lines(row: dict[str, Any]) -> int:
    # Before a plan exists, the lines expected at intake stand in for the open ones.
    return int(row["open_lines"]) if row["plan__id"] is not None else int(row["expected_lines_of_enquiry"])


def open_lines_count() -> Coalesce:
    """Open lines of enquiry on a crime's plan (0 without a plan), for a queryset of crimes."""
    # A correlated subquery on the line's plan, not a join grouping every held crime with its lines: a
    # London borough holds ~2,000 open crimes, and the join was 40 % slower.
    lines = (
        LineOfEnquiry.objects.filter(plan__crime_id=OuterRef("pk"), status="")
        .order_by()
        .values("plan__crime_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(lines, output_field=IntegerField()), Value(0))


def held_crimes(officer_ids: Iterable[int] | None, *, today: date) -> list[HeldCrime]:
    """Every open crime held by these officers (all officers when None), with what weighs it."""
    qs = Crime.objects.filter(status=CrimeStatus.OPEN, officer__isnull=False).exclude(tier="")
    if officer_ids is not None:
        qs = qs.filter(officer_id__in=list(officer_ids))
    rows = qs.values(
        "id",
        "officer_id",
        "tier",
        "expected_lines_of_enquiry",
        "series_id",
        "recorded_on",
        "plan__id",
        *ENHANCED_FLAGS,
    ).annotate(open_lines=open_lines_count())
    out = []
    for r in rows:
        enhanced = any(r[f] for f in ENHANCED_FLAGS)
        age = (today - r["recorded_on"]).days
        out.append(
            HeldCrime(
                r["officer_id"],
                OpenCase(r["tier"], enhanced, _open_lines(r), age),
                r["series_id"],
                r["recorded_on"],
            )
        )
    return out


def officer_load(officer_id: int, *, today: date, policy: Policy) -> tuple[int, float]:
    """Open crimes and weighted load an officer holds now (re-read under the officer's row lock)."""
    cases = [h.case for h in held_crimes([officer_id], today=today)]
    return len(cases), weighted_load(cases, policy=policy)


@dataclass
class EngineInputs:
    crimes: list[CrimeToAllocate]
    investigators: list[Investigator]
    supervisors: list[Supervisor]
    crime_rows: dict[str, tuple[int, int]]  # reference -> (pk, version)
    officer_pk: dict[str, int]  # staff number -> pk


def build_investigators(
    *, borough: Borough | None, today: date, policy: Policy, only: Iterable[int] | None = None
) -> tuple[list[Investigator], list[Supervisor], dict[str, int]]:
    q = investigator_q(borough)
    if only is not None:
        q = Q(pk__in=list(only))
    people = list(
        Person.objects.filter(q)
        .select_related("borough", "team", "line_supervisor")
        .order_by("staff_number")
        .only(
            "pk",
            "staff_number",
            "pip_level",
            "probationer",
            "hours_per_week",
            "borough__code",
            "team__id",
            "team__name",
            "team__team_type",
            "line_supervisor__staff_number",
            "line_supervisor_id",
        )
    )
    ids = [p.pk for p in people]
    absent = set(
        Absence.objects.filter(person_id__in=ids, starts_on__lte=today, ends_on__gte=today).values_list(
            "person_id", flat=True
        )
    )
    specialisms: dict[int, set[str]] = defaultdict(set)
    for pid, spec in Accreditation.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today), person_id__in=ids, accredited_on__lte=today
    ).values_list("person_id", "specialism"):
        specialisms[pid].add(spec)
    held: dict[int, list[HeldCrime]] = defaultdict(list)
    for h in held_crimes(ids, today=today):
        held[h.officer_id].append(h)
    suspects: dict[int, set[str]] = defaultdict(set)
    for pid, ref in (
        Suspect.objects.filter(crime__officer_id__in=ids, crime__status=CrimeStatus.OPEN)
        .exclude(offender_reference="")
        .values_list("crime__officer_id", "offender_reference")
    ):
        suspects[pid].add(ref)
    investigators = []
    for p in people:
        strands = set(specialisms[p.pk])
        if p.team is not None and p.team.team_type in TEAM_STRANDS:
            strands.add(TEAM_STRANDS[TeamType(p.team.team_type)])
        cases = held[p.pk]
        investigators.append(
            Investigator(
                id=p.staff_number,
                borough=p.borough.code,
                team=str(p.team.id) if p.team else "",
                team_name=p.team.name if p.team else "",
                pip=int(p.pip_level),
                supervisor_id=p.line_supervisor.staff_number if p.line_supervisor else None,
                specialisms=frozenset(strands),
                probationer=p.probationer,
                available=p.pk not in absent,
                availability=min(1.0, float(p.hours_per_week) / 40.0),
                open_crimes=len(cases),
                weighted_load=weighted_load([h.case for h in cases], policy=policy),
                linked_series=frozenset(h.series_id for h in cases if h.series_id),
                suspect_ids=frozenset(suspects[p.pk]),
            )
        )
    sup_ids = sorted({p.line_supervisor_id for p in people if p.line_supervisor_id})
    supervisors = [
        Supervisor(id=sn, span_of_control=n)
        for sn, n in Person.objects.filter(pk__in=sup_ids)
        .annotate(n=Count("supervisees", filter=Q(supervisees__active=True)))
        .order_by("staff_number")
        .values_list("staff_number", "n")
    ]
    return investigators, supervisors, {p.staff_number: p.pk for p in people}


def name_key(name: str) -> str:
    """A person's name as conflicts are matched on it: case-folded, single spaces."""
    return " ".join(name.casefold().split())


def crime_names(crime_ids: Iterable[int]) -> dict[int, set[str]]:
    """The name keys of every named suspect and every victim of these crimes."""
    from custos.victims.models import VictimCrime

    ids = list(crime_ids)
    out: dict[int, set[str]] = defaultdict(set)
    for cid, name in (
        Suspect.objects.filter(crime_id__in=ids).exclude(name="").values_list("crime_id", "name")
    ):
        out[cid].add(name_key(name))
    for cid, first, last, business in VictimCrime.objects.filter(crime_id__in=ids).values_list(
        "crime_id", "victim__first_name", "victim__last_name", "victim__business_name"
    ):
        for name in (f"{first} {last}", business):
            if name.strip():
                out[cid].add(name_key(name))
    return out


def conflicted_officers(
    crimes: Sequence[Crime], *, officer_id: int | None = None
) -> dict[int, frozenset[str]]:
    """Per crime pk, the staff numbers of officers with an active conflict of interest with that crime.

    A conflict applies to a crime when it names the crime, the crime's linked series, or (by name) one of
    its suspects or victims. ``officer_id`` narrows the question to one officer (the commit-time re-check).
    """
    if not crimes:
        return {}
    pks = [c.pk for c in crimes]
    series = sorted({c.series_id for c in crimes if c.series_id})
    qs = ConflictOfInterest.objects.filter(withdrawn_at__isnull=True).filter(
        Q(kind=ConflictKind.CRIME, crime_id__in=pks)
        | Q(kind=ConflictKind.SERIES, series_id__in=series)
        | Q(kind=ConflictKind.PERSON)
    )
    if officer_id is not None:
        qs = qs.filter(officer_id=officer_id)
    rows = list(qs.values_list("kind", "crime_id", "series_id", "name_key", "officer__staff_number"))
    by_crime: dict[int, set[str]] = defaultdict(set)
    by_series: dict[str, set[str]] = defaultdict(set)
    by_name: dict[str, set[str]] = defaultdict(set)
    for kind, crime_id, series_id, key, staff_number in rows:
        if kind == ConflictKind.CRIME:
            by_crime[crime_id].add(staff_number)
        elif kind == ConflictKind.SERIES:
            by_series[series_id].add(staff_number)
        else:
            by_name[key].add(staff_number)
    names = crime_names(pks) if by_name else {}
    out: dict[int, frozenset[str]] = {}
    for c in crimes:
        found = set(by_crime.get(c.pk, ()))
        if c.series_id:
            found |= by_series.get(c.series_id, set())
        for key in names.get(c.pk, ()):
            found |= by_name.get(key, set())
        if found:
            out[c.pk] = frozenset(found)
    return out


def crime_to_allocate(
    crime: Crime, suspect_refs: Iterable[str], *, today: date, conflicts: Iterable[str] = ()
) -> CrimeToAllocate:
    return CrimeToAllocate(
        id=crime.reference,
        borough=crime.borough.code,
        team=str(crime.team_id or ""),
        tier=crime.tier,
        required_pip=int(crime.required_pip or 1),
        specialism=crime.specialism or None,
        enhanced_victim=any(getattr(crime, f) for f in ENHANCED_FLAGS),
        open_lines_of_enquiry=crime.expected_lines_of_enquiry,
        linked_series=crime.series_id or None,
        suspect_ids=frozenset(suspect_refs),
        conflicts=frozenset(conflicts),
        age_days=max(0, (today - crime.recorded_on).days),
    )


def unallocated_crimes(*, borough: Borough | None, crime_ids: Iterable[int] | None = None) -> list[Crime]:
    qs = Crime.objects.filter(status=CrimeStatus.OPEN, officer__isnull=True).exclude(tier="")
    if borough is not None:
        qs = qs.filter(borough=borough)
    if crime_ids is not None:
        qs = qs.filter(pk__in=list(crime_ids))
    return list(qs.select_related("borough").order_by("reference"))


def build_inputs(
    *, borough: Borough | None, today: date, policy: Policy, crime_ids: Iterable[int] | None = None
) -> EngineInputs:
    rows = unallocated_crimes(borough=borough, crime_ids=crime_ids)
    refs: dict[int, set[str]] = defaultdict(set)
    for cid, ref in (
        Suspect.objects.filter(crime_id__in=[c.pk for c in rows])
        .exclude(offender_reference="")
        .values_list("crime_id", "offender_reference")
    ):
        refs[cid].add(ref)
    scope = borough
    if crime_ids is not None and rows:
        scope = rows[0].borough
    investigators, supervisors, officer_pk = build_investigators(borough=scope, today=today, policy=policy)
    conflicts = conflicted_officers(rows)
    return EngineInputs(
        crimes=[
            crime_to_allocate(c, refs[c.pk], today=today, conflicts=conflicts.get(c.pk, ())) for c in rows
        ],
        investigators=investigators,
        supervisors=supervisors,
        crime_rows={c.reference: (c.pk, c.version) for c in rows},
        officer_pk=officer_pk,
    )
