"""Need-to-know for crime records (see custos.core.access for the two-forms discipline).

- Administrators and professional-standards staff see every crime.
- Inspectors and performance analysts see no crime records (aggregates only).
- Everyone else with personal-data roles sees crimes in their own borough, and always a crime they hold.
- Recording crimes and suspects: investigators, OCSAE investigators, investigation supervisors and
  detective inspectors in the crime's borough, and administrators.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q

from custos.accounts.roles import Role
from custos.core.access import ActorScope, scope_of

ALL = Q()
NONE = Q(pk__in=[])

CRIME_RECORDERS = (
    Role.INVESTIGATOR,
    Role.OCSAE_INVESTIGATOR,
    Role.INVESTIGATION_SUPERVISOR,
    Role.DETECTIVE_INSPECTOR,
)


def crime_view_q(s: ActorScope, prefix: str = "") -> Q:
    if s.has(Role.ADMINISTRATOR, Role.PROFESSIONAL_STANDARDS):
        return ALL
    if not s.sees_personal_data:
        return NONE
    q = Q(**{f"{prefix}officer_id": s.person_id}) if s.person_id else NONE
    if s.borough_id is not None:
        q |= Q(**{f"{prefix}borough_id": s.borough_id})
    return q


def can_view_crime(s: ActorScope, crime: Any) -> bool:
    if s.has(Role.ADMINISTRATOR, Role.PROFESSIONAL_STANDARDS):
        return True
    if not s.sees_personal_data:
        return False
    if s.person_id is not None and crime.officer_id == s.person_id:
        return True
    return s.borough_id is not None and crime.borough_id == s.borough_id


def crime_change_q(s: ActorScope) -> Q:
    if s.is_admin:
        return ALL
    if not s.has(*CRIME_RECORDERS):
        return NONE
    q = Q(officer_id=s.person_id) if s.person_id else NONE
    if s.borough_id is not None:
        q |= Q(borough_id=s.borough_id)
    return q


def can_change_crime(s: ActorScope, crime: Any) -> bool:
    if s.is_admin:
        return True
    if not s.has(*CRIME_RECORDERS):
        return False
    if s.person_id is not None and crime.officer_id == s.person_id:
        return True
    return s.borough_id is not None and crime.borough_id == s.borough_id


def can_record_crimes(s: ActorScope) -> bool:
    return s.is_admin or (s.has(*CRIME_RECORDERS) and s.borough_id is not None)


@rules.predicate
def _view_crime(user: Any, crime: Any) -> bool:
    return crime is not None and can_view_crime(scope_of(user), crime)


@rules.predicate
def _change_crime(user: Any, crime: Any) -> bool:
    return crime is not None and can_change_crime(scope_of(user), crime)


@rules.predicate
def _record_crimes(user: Any) -> bool:
    return can_record_crimes(scope_of(user))


rules.add_perm("crimes.view_crime", _view_crime)
rules.add_perm("crimes.change_crime", _change_crime)
rules.add_perm("crimes.add_crime", _record_crimes)
