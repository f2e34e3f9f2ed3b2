"""Need-to-know: who may see and change what, by role, team and borough.

Each rule is written twice on purpose: as a `rules` predicate over one object (used by views and the
API for a single record) and as a queryset filter (used by selectors for lists). A hypothesis property
test (tests/core/test_need_to_know_agreement.py) checks the two always agree. Outside need-to-know the
answer is 404, never 403: existence is itself information.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from custos.accounts.roles import PERSONAL_DATA_ROLES, Role
from custos.core import audit
from custos.core.models import BreakGlassGrant

BREAK_GLASS_HOURS = 8
BREAK_GLASS_REASON_REQUIRED = "Give a reason of at least 15 characters for break-glass access."


@dataclass(frozen=True)
class ActorScope:
    """What need-to-know needs to know about the person asking."""

    user_id: int | None
    roles: frozenset[Role]
    person_id: int | None
    borough_id: int | None
    team_id: int | None

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def sees_personal_data(self) -> bool:
        return bool(self.roles & PERSONAL_DATA_ROLES)

    @property
    def is_admin(self) -> bool:
        return Role.ADMINISTRATOR in self.roles

    @property
    def sees_records(self) -> bool:
        """May open lists of people and crimes: a personal-data role, or an administrator."""
        return self.sees_personal_data or self.is_admin


def scope_of(user: Any) -> ActorScope:
    cached: ActorScope | None = getattr(user, "_custos_scope", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        return ActorScope(None, frozenset(), None, None, None)
    person = getattr(user, "person", None) if _has_person(user) else None
    scope = ActorScope(
        user_id=user.pk,
        roles=user.roles,
        person_id=person.pk if person else None,
        borough_id=person.borough_id if person else None,
        team_id=person.team_id if person else None,
    )
    user._custos_scope = scope
    return scope


def _has_person(user: Any) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return user.person is not None
    except ObjectDoesNotExist:
        return False


def not_found() -> Http404:
    return Http404("No such record, or it is outside your need-to-know.")


def break_glass_active(user: Any, object_type: str, object_id: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return BreakGlassGrant.objects.filter(
        user=user, object_type=object_type, object_id=str(object_id), expires_at__gt=timezone.now()
    ).exists()


@transaction.atomic
def break_glass_grant(*, user: Any, object_type: str, object_id: Any, reason: str) -> BreakGlassGrant:
    reason = reason.strip()
    if len(reason) < 15:
        from django.core.exceptions import ValidationError

        raise ValidationError(BREAK_GLASS_REASON_REQUIRED)
    grant = BreakGlassGrant.objects.create(
        user=user,
        object_type=object_type,
        object_id=str(object_id),
        reason=reason,
        expires_at=timezone.now() + timedelta(hours=BREAK_GLASS_HOURS),
    )
    audit.record(
        actor=user,
        action="custos.break_glass.granted",
        object_type=object_type,
        object_id=str(object_id),
        purpose=reason,
        sensitive=True,
        break_glass=True,
    )
    return grant
