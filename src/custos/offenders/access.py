"""Need-to-know for offender records (sensitive: every read is audited by the selectors).

- Administrators and professional-standards staff see every offender.
- Offender managers, MOSOVO supervisors (DS) and detective inspectors see offenders managed in their own
  borough, and any offender for whom they are the lead or deputy manager (after a transfer, for example).
- Nobody else sees named offenders (investigators use break-glass with a recorded reason).
- Changes: the same people as view, except professional standards (read-only oversight).
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q

from custos.accounts.roles import Role
from custos.core.access import ActorScope, scope_of

ALL = Q()
NONE = Q(pk__in=[])
OFFENDER_ROLES = (Role.OFFENDER_MANAGER, Role.MOSOVO_SUPERVISOR, Role.DETECTIVE_INSPECTOR)
SUPERVISOR_ROLES = (Role.MOSOVO_SUPERVISOR, Role.DETECTIVE_INSPECTOR, Role.ADMINISTRATOR)


def offender_view_q(s: ActorScope, prefix: str = "") -> Q:
    if s.has(Role.ADMINISTRATOR, Role.PROFESSIONAL_STANDARDS):
        return ALL
    return _managing_q(s, prefix)


def _managing_q(s: ActorScope, prefix: str) -> Q:
    if not s.has(*OFFENDER_ROLES):
        return NONE
    q = NONE
    if s.borough_id is not None:
        q |= Q(**{f"{prefix}borough_id": s.borough_id})
    if s.person_id is not None:
        q |= Q(**{f"{prefix}lead_manager_id": s.person_id}) | Q(**{f"{prefix}deputy_manager_id": s.person_id})
    return q


def can_view_offender(s: ActorScope, offender: Any) -> bool:
    if s.has(Role.ADMINISTRATOR, Role.PROFESSIONAL_STANDARDS):
        return True
    return _manages(s, offender)


def _manages(s: ActorScope, offender: Any) -> bool:
    if not s.has(*OFFENDER_ROLES):
        return False
    if s.borough_id is not None and offender.borough_id == s.borough_id:
        return True
    return s.person_id is not None and s.person_id in (offender.lead_manager_id, offender.deputy_manager_id)


def offender_change_q(s: ActorScope, prefix: str = "") -> Q:
    return ALL if s.is_admin else _managing_q(s, prefix)


def can_change_offender(s: ActorScope, offender: Any) -> bool:
    return s.is_admin or _manages(s, offender)


def can_create_offender(s: ActorScope, borough_id: int | None) -> bool:
    """Adding a nominal: the roles that manage offenders, in their own borough; administrators anywhere."""
    if s.is_admin:
        return True
    return s.has(*OFFENDER_ROLES) and s.borough_id is not None and s.borough_id == borough_id


def may_create_offenders(s: ActorScope) -> bool:
    """Whether the create page is open to this person at all (for the register's own borough)."""
    return s.is_admin or (s.has(*OFFENDER_ROLES) and s.borough_id is not None)


def works_with_offenders(s: ActorScope) -> bool:
    """Offender managers, their supervisors and administrators: the worklist, search and planner pages."""
    return s.is_admin or s.has(*OFFENDER_ROLES)


def is_supervisor(s: ActorScope) -> bool:
    return s.has(*SUPERVISOR_ROLES)


@rules.predicate
def _view(user: Any, offender: Any) -> bool:
    return offender is not None and can_view_offender(scope_of(user), offender)


@rules.predicate
def _change(user: Any, offender: Any) -> bool:
    return offender is not None and can_change_offender(scope_of(user), offender)


rules.add_perm("offenders.view_offender", _view)
rules.add_perm("offenders.change_offender", _change)
