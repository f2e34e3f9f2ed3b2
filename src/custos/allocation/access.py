"""Need-to-know for conflicts of interest (see custos.core.access for the two-forms discipline).

A declared conflict says something personal about an officer (a relationship with a suspect, a victim or a
case), so it is shown only to those who need it:

- administrators and professional-standards staff see every conflict;
- inspectors and performance analysts see none (aggregates only);
- an officer sees their own;
- their line supervisor sees theirs, and investigation supervisors and detective inspectors see those of
  officers in their borough (they allocate there and must know why an officer is excluded).

Declaring: an officer for themselves; for someone else, whoever may manage that person's record
(administrators, the line supervisor, the team's supervisor, the borough's detective inspector:
``workforce.access.can_change_person``). Withdrawing: the same managers, or the officer when they declared
it themselves (a conflict a supervisor recorded is never lifted by the officer it binds).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from custos.accounts.roles import Role
from custos.core.access import ActorScope
from custos.workforce.access import can_change_person, person_change_q

ALL = Q()
NONE = Q(pk__in=[])
ALLOCATORS = (Role.INVESTIGATION_SUPERVISOR, Role.DETECTIVE_INSPECTOR)


def is_allocator(s: ActorScope) -> bool:
    """Who may open the allocation pages (queue, runs, what-if, workload): as ``services.can_allocate``
    for no particular borough, written on the scope so that links to them ask the same rule."""
    return s.is_admin or s.has(*ALLOCATORS)


def conflict_view_q(s: ActorScope, prefix: str = "") -> Q:
    if s.has(Role.ADMINISTRATOR, Role.PROFESSIONAL_STANDARDS):
        return ALL
    if not s.sees_personal_data or s.person_id is None:
        return NONE
    q = Q(**{f"{prefix}officer_id": s.person_id}) | Q(**{f"{prefix}officer__line_supervisor_id": s.person_id})
    if s.borough_id is not None and s.has(*ALLOCATORS):
        q |= Q(**{f"{prefix}officer__borough_id": s.borough_id})
    return q


def can_view_conflict(s: ActorScope, conflict: Any) -> bool:
    return can_view_conflicts_of(s, conflict.officer)


def can_view_conflicts_of(s: ActorScope, officer: Any) -> bool:
    """Whether every conflict of this officer is in view (the view rule depends only on the officer)."""
    if s.has(Role.ADMINISTRATOR, Role.PROFESSIONAL_STANDARDS):
        return True
    if not s.sees_personal_data or s.person_id is None:
        return False
    if officer.pk == s.person_id or officer.line_supervisor_id == s.person_id:
        return True
    return s.borough_id is not None and s.has(*ALLOCATORS) and officer.borough_id == s.borough_id


def declarable_officers_q(s: ActorScope) -> Q:
    """People this actor may declare a conflict for (a Q over workforce.Person)."""
    if s.is_admin:
        return ALL
    if not s.sees_personal_data or s.person_id is None:
        return NONE
    return Q(pk=s.person_id) | person_change_q(s)


def can_declare_for(s: ActorScope, officer: Any) -> bool:
    if s.is_admin:
        return True
    if not s.sees_personal_data or s.person_id is None:
        return False
    return officer.pk == s.person_id or can_change_person(s, officer)


def can_withdraw(s: ActorScope, conflict: Any) -> bool:
    if s.is_admin:
        return True
    if not s.sees_personal_data or s.person_id is None:
        return False
    if conflict.officer_id == s.person_id:
        return conflict.declared_by_id is not None and conflict.declared_by_id == s.user_id
    return can_change_person(s, conflict.officer)


def can_view_workload_of(s: ActorScope, officer: Any) -> bool:
    """An officer's own workload page: the officer, their line supervisor, allocators in the borough."""
    if s.is_admin:
        return True
    if not s.sees_personal_data or s.person_id is None:
        return False
    if officer.pk == s.person_id or officer.line_supervisor_id == s.person_id:
        return True
    return s.borough_id is not None and s.has(*ALLOCATORS) and officer.borough_id == s.borough_id
