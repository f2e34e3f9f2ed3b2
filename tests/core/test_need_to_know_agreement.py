"""Each need-to-know rule is written twice (a predicate and a queryset filter); they must always agree."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custos.accounts.roles import Role
from custos.core.access import ActorScope
from custos.workforce import access
from custos.workforce.models import Person

ROLE_SETS = st.frozensets(st.sampled_from(list(Role)), max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(roles=ROLE_SETS, actor_index=st.integers(min_value=0, max_value=200))
def test_person_view_and_change_rules_agree_with_their_filters(
    force: Any, roles: frozenset[Role], actor_index: int
) -> None:
    people = list(Person.objects.all().order_by("pk"))
    me = people[actor_index % len(people)]
    scope = ActorScope(user_id=1, roles=roles, person_id=me.pk, borough_id=me.borough_id, team_id=me.team_id)
    visible = set(Person.objects.filter(access.person_view_q(scope)).values_list("pk", flat=True))
    changeable = set(Person.objects.filter(access.person_change_q(scope)).values_list("pk", flat=True))
    for p in people:
        assert (p.pk in visible) == access.can_view_person(scope, p), (roles, me, p)
        assert (p.pk in changeable) == access.can_change_person(scope, p), (roles, me, p)


def test_a_user_without_a_workforce_record_sees_only_what_their_roles_allow(force: Any) -> None:
    scope = ActorScope(
        user_id=1, roles=frozenset({Role.INVESTIGATOR}), person_id=None, borough_id=None, team_id=None
    )
    assert not Person.objects.filter(access.person_view_q(scope)).exists()
    admin = ActorScope(
        user_id=1, roles=frozenset({Role.ADMINISTRATOR}), person_id=None, borough_id=None, team_id=None
    )
    assert Person.objects.filter(access.person_view_q(admin)).count() == Person.objects.count()
