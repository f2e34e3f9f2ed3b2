"""Reads of workforce records, filtered by need-to-know."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from custos.core import audit
from custos.core.access import break_glass_active, not_found, scope_of
from custos.core.policy import current_policy
from custos.workforce import access
from custos.workforce.models import Absence, Borough, Person, Team
from custos.workforce.rules import TrainingExpiry, training_expiry

PERSON_VIEWED = "custos.person.viewed"


@dataclass(frozen=True)
class PersonFilters:
    q: str = ""
    borough: str = ""  # borough code
    team: int | None = None
    rank: str = ""
    pip_level: int | None = None
    probationer: bool | None = None
    visor_authorised: bool | None = None
    active: bool | None = True


def person_list(*, actor: Any, filters: PersonFilters | None = None) -> QuerySet[Person]:
    f = filters or PersonFilters()
    qs = Person.objects.filter(access.person_view_q(scope_of(actor))).select_related(
        "borough", "team", "line_supervisor"
    )
    if f.q:
        for term in f.q.split():
            qs = qs.filter(
                Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(staff_number__iexact=term)
            )
    if f.borough:
        qs = qs.filter(borough__code=f.borough)
    if f.team is not None:
        qs = qs.filter(team_id=f.team)
    if f.rank:
        qs = qs.filter(rank=f.rank)
    if f.pip_level is not None:
        qs = qs.filter(pip_level=f.pip_level)
    if f.probationer is not None:
        qs = qs.filter(probationer=f.probationer)
    if f.visor_authorised is not None:
        qs = qs.filter(visor_authorised=f.visor_authorised)
    if f.active is not None:
        qs = qs.filter(active=f.active)
    return qs


def person_get(*, actor: Any, pk: int, purpose: str = "") -> Person:
    """One member of staff (absences, accreditations, performance), for someone with need-to-know or an
    active break-glass grant: audited as a sensitive read either way."""
    person = (
        Person.objects.select_related("borough", "team", "line_supervisor", "user")
        .prefetch_related("accreditations", "absences")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise not_found()
    if access.can_view_person(scope_of(actor), person):
        audit.record_access(actor=actor, obj=person, action=PERSON_VIEWED, purpose=purpose)
        return person
    if break_glass_active(actor, "workforce.person", person.pk):
        audit.record_access(
            actor=actor, obj=person, action=PERSON_VIEWED, break_glass=True, purpose="break-glass"
        )
        return person
    raise not_found()


def person_for_change(*, actor: Any, pk: int) -> Person:
    person = person_get(actor=actor, pk=pk, purpose="change")
    if not access.can_change_person(scope_of(actor), person):
        # Visible but not theirs to change: 404 on the edit route keeps the rule uniform.
        raise not_found()
    return person


def team_list(*, actor: Any) -> QuerySet[Team]:
    s = scope_of(actor)
    qs = (
        Team.objects.select_related("borough", "supervisor")
        .annotate(member_count=Count("members"))
        .order_by("borough__name", "name")
    )
    if not s.sees_records:
        return qs.none()
    return qs


def borough_list() -> QuerySet[Borough]:
    return Borough.objects.all()


def absences_on(person: Person, on: date) -> list[Absence]:
    return [a for a in person.absences.all() if a.starts_on <= on <= a.ends_on]


@dataclass(frozen=True)
class PersonExpiry:
    person: Person
    expiry: TrainingExpiry


def training_expiries(*, people: QuerySet[Person], today: date) -> list[PersonExpiry]:
    """Expired or soon-expiring ViSOR, workload-management and specialist training, soonest first."""
    policy = current_policy()
    # Every kind of training and accreditation, so the window is the general one (the ViSOR-specific
    # window governs only the register's warning about a lead offender manager).
    warn = int(policy.get("workforce.training_warn_days"))
    basis = policy.basis("workforce.training_warn_days")
    # The database narrows a force of tens of thousands to those with something expiring by the horizon;
    # the rule (training_expiry) still decides each one, so the two cannot disagree on what is shown.
    horizon = today + timedelta(days=warn)
    expiring = people.filter(
        Q(visor_authorised=True, visor_training_expires__lte=horizon)
        | Q(workload_training_expires__lte=horizon)
        | Q(accreditations__expires_on__lte=horizon)
    )
    out: list[PersonExpiry] = []
    for p in people.filter(pk__in=expiring.values("pk")).prefetch_related("accreditations"):
        found = [
            training_expiry(
                "visor",
                "ViSOR training",
                p.visor_training_expires if p.visor_authorised else None,
                today=today,
                warn_days=warn,
                basis=basis,
            ),
            training_expiry(
                "workload",
                "Workload-management training",
                p.workload_training_expires,
                today=today,
                warn_days=warn,
                basis=basis,
            ),
        ]
        for acc in p.accreditations.all():
            found.append(
                training_expiry(
                    f"accreditation:{acc.specialism}",
                    f"{acc.get_specialism_display()} accreditation",
                    acc.expires_on,
                    today=today,
                    warn_days=warn,
                    basis=basis,
                )
            )
        out.extend(PersonExpiry(p, e) for e in found if e is not None)
    out.sort(key=lambda pe: (pe.expiry.expires_on, pe.person.last_name))
    return out


def supervisees(*, actor: Any) -> QuerySet[Person]:
    """People this actor may manage: the change scope, active only."""
    return Person.objects.filter(access.person_change_q(scope_of(actor)), active=True).select_related(
        "team", "borough"
    )
