"""Need-to-know for workforce records (see custos.core.access for the two-forms discipline).

- Administrators and professional-standards staff see everyone.
- Inspectors and performance analysts see no named people (aggregates only).
- Everyone else sees people in their own borough, and always themselves.
- Changes: administrators; a person's line supervisor; supervisors (DS, DI, investigation supervisor)
  for people in their own team; a detective inspector for people in their own borough.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q

from custos.accounts.roles import Role
from custos.core.access import ActorScope, scope_of

ALL = Q()
NONE = Q(pk__in=[])


def person_view_q(s: ActorScope) -> Q:
    if s.has(Role.ADMINISTRATOR, Role.PROFESSIONAL_STANDARDS):
        return ALL
    if not s.sees_personal_data:
        return NONE
    q = Q(pk=s.person_id) if s.person_id else NONE
    if s.borough_id is not None:
        q |= Q(borough_id=s.borough_id)
    return q


def can_view_person(s: ActorScope, person: Any) -> bool:
    if s.has(Role.ADMINISTRATOR, Role.PROFESSIONAL_STANDARDS):
        return True
    if not s.sees_personal_data:
        return False
    return person.pk == s.person_id or (s.borough_id is not None and person.borough_id == s.borough_id)


def person_change_q(s: ActorScope) -> Q:
    if s.is_admin:
        return ALL
    if s.person_id is None:
        return NONE
    q = Q(line_supervisor_id=s.person_id)
    if s.team_id is not None and s.has(
        Role.MOSOVO_SUPERVISOR, Role.INVESTIGATION_SUPERVISOR, Role.DETECTIVE_INSPECTOR
    ):
        q |= Q(team_id=s.team_id)
    if s.borough_id is not None and s.has(Role.DETECTIVE_INSPECTOR):
        q |= Q(borough_id=s.borough_id)
    return q & ~Q(pk=s.person_id)  # nobody edits their own record (PIP, ViSOR status...)


def can_change_person(s: ActorScope, person: Any) -> bool:
    if s.is_admin:
        return True
    if s.person_id is None or person.pk == s.person_id:
        return False
    if person.line_supervisor_id == s.person_id:
        return True
    if (
        s.team_id is not None
        and person.team_id == s.team_id
        and s.has(Role.MOSOVO_SUPERVISOR, Role.INVESTIGATION_SUPERVISOR, Role.DETECTIVE_INSPECTOR)
    ):
        return True
    return bool(
        s.borough_id is not None and person.borough_id == s.borough_id and s.has(Role.DETECTIVE_INSPECTOR)
    )


@rules.predicate
def _view_person(user: Any, person: Any) -> bool:
    return person is not None and can_view_person(scope_of(user), person)


@rules.predicate
def _change_person(user: Any, person: Any) -> bool:
    return person is not None and can_change_person(scope_of(user), person)


@rules.predicate
def _is_admin(user: Any) -> bool:
    return scope_of(user).is_admin


rules.add_perm("workforce.view_person", _view_person)
rules.add_perm("workforce.change_person", _change_person)
rules.add_perm("workforce.add_person", _is_admin)
rules.add_perm("workforce.manage_teams", _is_admin)
