"""Who may read the inspection measures, and over what: aggregates only, so the inspectorate's and the
analysts' roles read them force-wide; a detective inspector reads their own borough's."""

from __future__ import annotations

from custos.accounts.roles import Role
from custos.core.access import ActorScope

FORCE_WIDE = (Role.ADMINISTRATOR, Role.INSPECTOR, Role.PERFORMANCE_ANALYST)
OWN_BOROUGH = (Role.DETECTIVE_INSPECTOR,)


def can_read_measures(s: ActorScope) -> bool:
    return s.has(*FORCE_WIDE) or (s.has(*OWN_BOROUGH) and s.borough_id is not None)


def measures_borough(s: ActorScope, asked: int | None) -> int | None:
    """The borough the reader's measures count over (None: the force). A force-wide reader may narrow to
    ``asked``; a borough reader always gets their own, whatever they ask for."""
    if s.has(*FORCE_WIDE):
        return asked
    return s.borough_id
