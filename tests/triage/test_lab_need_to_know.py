"""Device need-to-know is written twice (predicate and queryset filter): they must always agree."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.offenders.factories import make_offender
from tests.triage.lab_support import make_device

from custos.accounts.roles import Role
from custos.core.access import ActorScope
from custos.triage import access
from custos.triage.models import Device
from custos.workforce.models import Person

pytestmark = pytest.mark.django_db
ROLE_SETS = st.frozensets(st.sampled_from(list(Role)), max_size=3)


@pytest.fixture
def devices(force: Any) -> list[Any]:
    made = [
        make_device(force, "A"),
        make_device(force, "B"),
        make_device(force, "A", offender_id=make_offender(force).pk),
        make_device(force, "B", lab_id=force.teams["digital-forensics-lab@A"].pk),
    ]
    made[1].examiner = force.people["digital-forensic-examiner@A"]
    made[1].save(update_fields=["examiner"])
    return made


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(roles=ROLE_SETS, actor_index=st.integers(min_value=0, max_value=200))
def test_device_view_rule_agrees_with_its_filter(
    devices: list[Any], roles: frozenset[Role], actor_index: int
) -> None:
    people = list(Person.objects.order_by("pk"))
    me = people[actor_index % len(people)]
    scope = ActorScope(user_id=1, roles=roles, person_id=me.pk, borough_id=me.borough_id, team_id=me.team_id)
    visible = set(Device.objects.filter(access.device_view_q(scope)).values_list("pk", flat=True))
    for d in Device.objects.select_related("lab"):
        assert (d.pk in visible) == access.can_view_device(scope, d), (roles, me, d)


def test_outsiders_and_aggregate_roles_see_no_device(devices: list[Any], force: Any) -> None:
    for role in (Role.INSPECTOR, Role.PERFORMANCE_ANALYST, Role.VICTIM_CARE_OFFICER):
        p = force.people[f"{role.value}@A"]
        scope = ActorScope(1, frozenset({role}), p.pk, p.borough_id, p.team_id)
        assert not Device.objects.filter(access.device_view_q(scope)).exists()
    lab_b = force.people["ocsae-investigator@B"]
    scope = ActorScope(1, frozenset({Role.OCSAE_INVESTIGATOR}), lab_b.pk, lab_b.borough_id, lab_b.team_id)
    # Lab B's OCSAE unit sees only the device sent to lab B, not borough B's device sent to lab A.
    assert set(Device.objects.filter(access.device_view_q(scope)).values_list("pk", flat=True)) == {
        devices[1].pk
    }
