"""Writes to workforce records. Every write validates through workforce.rules and is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custos.core import audit
from custos.core.access import scope_of
from custos.core.concurrency import update_if_version
from custos.core.history import history_snapshot
from custos.workforce import access
from custos.workforce.models import Absence, Accreditation, Person, Specialism, Team
from custos.workforce.rules import PersonFacts, person_problems

STALE_VERSION = (
    "Someone else changed this record since you opened it (you had version {had}, it is now {now}). "
    "Reload it, check their changes and try again."
)
NOT_ALLOWED = "You cannot change this record."
CANNOT_BE_EMPTY = "This field cannot be empty: leave it out to keep the current value."
ABSENCE_ENDS_BEFORE_START = "The absence must end on or after the day it starts."
ABSENCE_OVERLAPS = "This overlaps an existing {kind} from {start} to {end}."

PERSON_FIELDS = [
    "staff_number",
    "first_name",
    "last_name",
    "rank",
    "job_role",
    "borough_id",
    "team_id",
    "line_supervisor_id",
    "start_date",
    "probationer",
    "pip_level",
    "pip_accredited_on",
    "visor_authorised",
    "visor_trained_on",
    "visor_training_expires",
    "workload_training_on",
    "workload_training_expires",
    "hours_per_week",
    "active",
]


def _supervisor_chain_contains(person_pk: int | None, supervisor: Person | None) -> bool:
    if person_pk is None or supervisor is None:
        return False
    seen: set[int] = set()
    node: Person | None = supervisor
    while node is not None and node.pk not in seen:
        if node.pk == person_pk:
            return True
        seen.add(node.pk)
        node = node.line_supervisor
    return False


def _facts(p: Person) -> PersonFacts:
    team = Team.objects.filter(pk=p.team_id).first() if p.team_id else None
    sup = (
        Person.objects.filter(pk=p.line_supervisor_id).select_related("line_supervisor").first()
        if p.line_supervisor_id
        else None
    )
    return PersonFacts(
        rank=p.rank,
        start_date=p.start_date,
        probationer=p.probationer,
        pip_level=int(p.pip_level),
        pip_accredited_on=p.pip_accredited_on,
        visor_authorised=p.visor_authorised,
        visor_trained_on=p.visor_trained_on,
        visor_training_expires=p.visor_training_expires,
        workload_training_on=p.workload_training_on,
        workload_training_expires=p.workload_training_expires,
        hours_per_week=float(p.hours_per_week),
        borough_id=p.borough_id,
        team_borough_id=team.borough_id if team else None,
        supervisor_rank=sup.rank if sup else None,
        is_own_supervisor=p.pk is not None and p.line_supervisor_id == p.pk,
        supervisor_chain_contains_self=_supervisor_chain_contains(p.pk, sup),
    )


def _nullable(field_name: str) -> bool:
    field = Person._meta.get_field(field_name)
    return bool(field.null)


def _validate(p: Person, today: date | None = None) -> None:
    problems = person_problems(_facts(p), today=today or timezone.localdate())
    if problems:
        raise ValidationError({k or "__all__": v for k, v in problems.items()})
    p.full_clean(validate_constraints=False, exclude=["line_supervisor", "team", "borough", "user"])


@transaction.atomic
def person_create(*, actor: Any, data: dict[str, Any]) -> Person:
    if not scope_of(actor).is_admin:
        raise PermissionError(NOT_ALLOWED)
    person = Person(**{k: v for k, v in data.items() if k in PERSON_FIELDS})
    _validate(person)
    person.save()
    audit.record(
        actor=actor, action="custos.person.created", obj=person, changes=audit.snapshot(person, PERSON_FIELDS)
    )
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, data: dict[str, Any], expected_version: int) -> Person:
    """Apply changes only if nobody else has saved since `expected_version` (optimistic concurrency)."""
    if not access.can_change_person(scope_of(actor), person):
        raise PermissionError(NOT_ALLOWED)
    before = audit.snapshot(person, PERSON_FIELDS)
    # A PATCH may send null to clear a date or a team; a field the record cannot hold empty (rank, hours,
    # PIP level...) is refused by name rather than reaching the rules as None.
    emptied = [k for k, v in data.items() if v is None and k in PERSON_FIELDS and not _nullable(k)]
    if emptied:
        raise ValidationError({k: [CANNOT_BE_EMPTY] for k in emptied})
    for k, v in data.items():
        if k in PERSON_FIELDS:
            setattr(person, k, v)
    _validate(person)
    # The conditional UPDATE is the real guard: two editors holding the same version cannot both win.
    update_if_version(
        Person, person.pk, expected_version, {f: getattr(person, f) for f in PERSON_FIELDS}, STALE_VERSION
    )
    person.refresh_from_db()
    history_snapshot(person, actor)
    changes = audit.diff(before, audit.snapshot(person, PERSON_FIELDS))
    audit.record(actor=actor, action="custos.person.updated", obj=person, changes=changes)
    return person


TEAM_SUPERVISOR_OTHER_BOROUGH = "The team supervisor must work in the team's borough."
TEAM_SUPERVISOR_RANK = "A team supervisor must be a sergeant (or staff band C) or above."
TEAM_NAME_TAKEN = "There is already a team with that name in this borough."


@transaction.atomic
def team_save(*, actor: Any, team: Team, data: dict[str, Any]) -> Team:
    """Create or change a team (administrators only)."""
    from custos.workforce import ranks

    if not scope_of(actor).is_admin:
        raise PermissionError(NOT_ALLOWED)
    creating = team.pk is None
    before = {} if creating else audit.snapshot(team, ["name", "team_type", "supervisor_id"])
    for k, v in data.items():
        setattr(team, k, v)
    problems: dict[str, list[str]] = {}
    sup = team.supervisor
    if sup is not None:
        if sup.borough_id != team.borough_id:
            problems.setdefault("supervisor", []).append(TEAM_SUPERVISOR_OTHER_BOROUGH)
        if ranks.seniority(sup.rank) < ranks.seniority(ranks.Rank.SERGEANT):
            problems.setdefault("supervisor", []).append(TEAM_SUPERVISOR_RANK)
    if Team.objects.filter(borough_id=team.borough_id, name__iexact=team.name).exclude(pk=team.pk).exists():
        problems.setdefault("name", []).append(TEAM_NAME_TAKEN)
    if problems:
        raise ValidationError(problems)
    team.full_clean(validate_constraints=False)
    team.save()
    after = audit.snapshot(team, ["name", "team_type", "supervisor_id"])
    audit.record(
        actor=actor,
        action="custos.team.created" if creating else "custos.team.updated",
        obj=team,
        changes=after if creating else audit.diff(before, after),
    )
    return team


@transaction.atomic
def absence_add(
    *, actor: Any, person: Person, kind: str, starts_on: date, ends_on: date, note: str = ""
) -> Absence:
    if not access.can_change_person(scope_of(actor), person):
        raise PermissionError(NOT_ALLOWED)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": [ABSENCE_ENDS_BEFORE_START]})
    clash = person.absences.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).first()
    if clash is not None:
        raise ValidationError(
            {
                "starts_on": [
                    ABSENCE_OVERLAPS.format(
                        kind=clash.get_kind_display().lower(), start=clash.starts_on, end=clash.ends_on
                    )
                ]
            }
        )
    absence = Absence(person=person, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note)
    absence.full_clean()
    absence.save()
    audit.record(
        actor=actor,
        action="custos.person.absence_added",
        obj=person,
        changes={"absence": [None, f"{kind} {starts_on}..{ends_on}"]},
    )
    return absence


@transaction.atomic
def absence_delete(*, actor: Any, absence: Absence) -> None:
    if not access.can_change_person(scope_of(actor), absence.person):
        raise PermissionError(NOT_ALLOWED)
    desc = f"{absence.kind} {absence.starts_on}..{absence.ends_on}"
    person = absence.person
    absence.delete()
    audit.record(
        actor=actor, action="custos.person.absence_removed", obj=person, changes={"absence": [desc, None]}
    )


@transaction.atomic
def accreditation_set(
    *, actor: Any, person: Person, specialism: str, accredited_on: date, expires_on: date | None
) -> Accreditation:
    if not access.can_change_person(scope_of(actor), person):
        raise PermissionError(NOT_ALLOWED)
    if specialism not in Specialism.values:
        raise ValidationError({"specialism": [f"Unknown specialism {specialism!r}."]})
    if expires_on is not None and expires_on <= accredited_on:
        raise ValidationError({"expires_on": ["The expiry must be after the accreditation date."]})
    if accredited_on > timezone.localdate():
        raise ValidationError({"accredited_on": ["The accreditation date cannot be in the future."]})
    acc, _ = Accreditation.objects.update_or_create(
        person=person,
        specialism=specialism,
        defaults={"accredited_on": accredited_on, "expires_on": expires_on},
    )
    audit.record(
        actor=actor,
        action="custos.person.accreditation_set",
        obj=person,
        changes={
            "specialism": specialism,
            "accredited_on": str(accredited_on),
            "expires_on": str(expires_on),
        },
    )
    return acc


@transaction.atomic
def accreditation_remove(*, actor: Any, accreditation: Accreditation) -> None:
    if not access.can_change_person(scope_of(actor), accreditation.person):
        raise PermissionError(NOT_ALLOWED)
    person = accreditation.person
    spec = accreditation.specialism
    accreditation.delete()
    audit.record(
        actor=actor,
        action="custos.person.accreditation_removed",
        obj=person,
        changes={"specialism": [spec, None]},
    )
