"""The offender need-to-know predicate and its queryset filter always agree (and tasks follow offenders)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custos.accounts.roles import Role
from custos.core.access import ActorScope
from custos.offenders import access
from custos.offenders.models import Offender, OffenderTask
from custos.workforce.models import Person
from tests.offenders.factories import make_offender

ROLE_SETS = st.frozensets(st.sampled_from(list(Role)), max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(roles=ROLE_SETS, actor_index=st.integers(min_value=0, max_value=200))
def test_offender_view_and_change_rules_agree_with_their_filters(
    force: Any, roles: frozenset[Role], actor_index: int
) -> None:
    if not Offender.objects.exists():
        make_offender(force, "A")
        make_offender(force, "B")
        # Managed from borough A but living in B after a transfer: the lead still sees him.
        make_offender(force, "B", lead_manager=force.people["offender-manager@A"])
        make_offender(force, "A", lead_manager=None, deputy_manager=force.people["teammate@B"])
    people = list(Person.objects.all().order_by("pk"))
    me = people[actor_index % len(people)]
    scope = ActorScope(user_id=1, roles=roles, person_id=me.pk, borough_id=me.borough_id, team_id=me.team_id)
    visible = set(Offender.objects.filter(access.offender_view_q(scope)).values_list("pk", flat=True))
    changeable = set(Offender.objects.filter(access.offender_change_q(scope)).values_list("pk", flat=True))
    for o in Offender.objects.all():
        assert (o.pk in visible) == access.can_view_offender(scope, o), (roles, me, o)
        assert (o.pk in changeable) == access.can_change_offender(scope, o), (roles, me, o)
    via_task = set(
        OffenderTask.objects.filter(access.offender_view_q(scope, "offender__")).values_list(
            "offender_id", flat=True
        )
    )
    assert via_task <= visible


def test_inspectors_and_analysts_see_no_named_offender(force: Any) -> None:
    make_offender(force, "A")
    for role in (Role.INSPECTOR, Role.PERFORMANCE_ANALYST, Role.INVESTIGATOR):
        p = force.people[f"{role.value}@A"]
        scope = ActorScope(1, frozenset({role}), p.pk, p.borough_id, p.team_id)
        assert not Offender.objects.filter(access.offender_view_q(scope)).exists()
