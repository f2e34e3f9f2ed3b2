"""Need-to-know for victims (see custos.core.access for the two-forms discipline). Victims are SENSITIVE.

A victim is seen through the crimes they are a victim of (a VictimCrime link). A link is visible to:
- administrators and professional-standards staff (everything);
- the officer in the case, and that officer's line supervisor;
- members of the team holding the crime (their team, and its supervisor, who is a member);
- victim care officers and detective inspectors of the crime's borough.
Inspectors and performance analysts see aggregates only (the compliance report), never a named victim.
Changes (needs assessment, obligations, events, reviews): those who may see the link and hold an
investigating, supervising or victim-care role, or administrators.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q

from custos.accounts.roles import Role
from custos.core.access import ActorScope, scope_of

ALL = Q()
NONE = Q(pk__in=[])

SEE_ALL = (Role.ADMINISTRATOR, Role.PROFESSIONAL_STANDARDS)
BOROUGH_WIDE = (Role.VICTIM_CARE_OFFICER, Role.DETECTIVE_INSPECTOR)
CHANGERS = (
    Role.INVESTIGATOR,
    Role.OCSAE_INVESTIGATOR,
    Role.INVESTIGATION_SUPERVISOR,
    Role.DETECTIVE_INSPECTOR,
    Role.VICTIM_CARE_OFFICER,
    Role.ADMINISTRATOR,
)
REVIEWERS = (Role.INVESTIGATION_SUPERVISOR, Role.DETECTIVE_INSPECTOR, Role.ADMINISTRATOR)
COMPLIANCE_READERS = (
    Role.ADMINISTRATOR,
    Role.INSPECTOR,
    Role.PERFORMANCE_ANALYST,
    Role.INVESTIGATION_SUPERVISOR,
    Role.DETECTIVE_INSPECTOR,
)
FORCE_WIDE_AGGREGATES = (Role.ADMINISTRATOR, Role.INSPECTOR, Role.PERFORMANCE_ANALYST)


def link_view_q(s: ActorScope, prefix: str = "") -> Q:
    """Filter for VictimCrime (``prefix`` lets Obligation and RightToReview filter through ``link__``)."""
    if s.has(*SEE_ALL):
        return ALL
    if not s.sees_personal_data:
        return NONE
    q = NONE
    if s.person_id is not None:
        q |= Q(**{f"{prefix}crime__officer_id": s.person_id})
        q |= Q(**{f"{prefix}crime__officer__line_supervisor_id": s.person_id})
    if s.team_id is not None:
        q |= Q(**{f"{prefix}crime__team_id": s.team_id})
    if s.borough_id is not None and s.has(*BOROUGH_WIDE):
        q |= Q(**{f"{prefix}crime__borough_id": s.borough_id})
    return q


def link_in_view_q(s: ActorScope, field: str = "link") -> Q:
    """``link_view_q(s, prefix=f"{field}__")`` written for long lists of obligations: the same rows, as
    ``field IN (links whose crime IN (crimes held by me, by someone I line-manage, by my team, or in my
    borough))``. The OR over joined crimes and officers can only be tested row by row, so the database
    scanned every open obligation of the force; the nested subqueries let it start from the crime indexes."""
    if s.has(*SEE_ALL):
        return ALL
    if not s.sees_personal_data:
        return NONE
    from custos.crimes.models import Crime
    from custos.victims.models import VictimCrime
    from custos.workforce.models import Person

    crimes: list[Q] = []
    if s.person_id is not None:
        crimes.append(Q(officer_id=s.person_id))
        managed = Person.objects.filter(line_supervisor_id=s.person_id).values("pk")
        crimes.append(Q(officer_id__in=managed))
    if s.team_id is not None:
        crimes.append(Q(team_id=s.team_id))
    if s.borough_id is not None and s.has(*BOROUGH_WIDE):
        crimes.append(Q(borough_id=s.borough_id))
    if not crimes:
        return NONE
    held = Q()
    for clause in crimes:
        held |= clause
    links = VictimCrime.objects.filter(crime_id__in=Crime.objects.filter(held).values("pk")).values("pk")
    return Q(**{f"{field}__in": links})


def can_view_link(s: ActorScope, link: Any) -> bool:
    if s.has(*SEE_ALL):
        return True
    if not s.sees_personal_data:
        return False
    crime = link.crime
    if (
        s.person_id is not None
        and crime.officer_id is not None
        and s.person_id in (crime.officer_id, crime.officer.line_supervisor_id)
    ):
        return True
    if s.team_id is not None and crime.team_id == s.team_id:
        return True
    return s.borough_id is not None and s.has(*BOROUGH_WIDE) and crime.borough_id == s.borough_id


def link_change_q(s: ActorScope, prefix: str = "") -> Q:
    if s.is_admin:
        return ALL
    if not s.has(*CHANGERS):
        return NONE
    return link_view_q(s, prefix)


def can_change_link(s: ActorScope, link: Any) -> bool:
    if s.is_admin:
        return True
    return s.has(*CHANGERS) and can_view_link(s, link)


def victim_view_q(s: ActorScope) -> Q:
    if s.has(*SEE_ALL):
        return ALL
    if not s.sees_personal_data:
        return NONE
    from custos.victims.models import VictimCrime

    # The same links as link_view_q, written so the database starts from the crimes in view.
    return Q(pk__in=VictimCrime.objects.filter(link_in_view_q(s, field="id")).values("victim_id"))


def can_view_victim(s: ActorScope, victim: Any) -> bool:
    """``victim.links`` should be prefetched with ``crime__officer`` for lists."""
    if s.has(*SEE_ALL):
        return True
    return any(can_view_link(s, link) for link in victim.links.all())


def can_change_victim(s: ActorScope, victim: Any) -> bool:
    if s.is_admin:
        return True
    return s.has(*CHANGERS) and can_view_victim(s, victim)


def can_record_victims(s: ActorScope) -> bool:
    return s.is_admin or s.has(*CHANGERS)


def can_review(s: ActorScope) -> bool:
    return s.has(*REVIEWERS)


def can_view_compliance(s: ActorScope) -> bool:
    return s.has(*COMPLIANCE_READERS)


def compliance_borough(s: ActorScope) -> int | None:
    """The borough a compliance reader is limited to (None: the whole force)."""
    if s.has(*FORCE_WIDE_AGGREGATES):
        return None
    return s.borough_id if s.borough_id is not None else -1


@rules.predicate
def _view_victim(user: Any, victim: Any) -> bool:
    return victim is not None and can_view_victim(scope_of(user), victim)


@rules.predicate
def _change_victim(user: Any, victim: Any) -> bool:
    return victim is not None and can_change_victim(scope_of(user), victim)


@rules.predicate
def _view_compliance(user: Any) -> bool:
    return can_view_compliance(scope_of(user))


rules.add_perm("victims.view_victim", _view_victim)
rules.add_perm("victims.change_victim", _change_victim)
rules.add_perm("victims.view_compliance", _view_compliance)
