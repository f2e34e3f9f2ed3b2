"""The crime need-to-know rules are written twice (predicate and queryset filter); they always agree."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custos.accounts.roles import Role
from custos.core.access import ActorScope
from custos.crimes import access
from custos.crimes.models import Crime
from tests.crimes.factories import Unit

ROLE_SETS = st.frozensets(st.sampled_from(list(Role)), max_size=3)


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    u = Unit(make_person, make_user)
    u.crime()
    u.crime(officer=u.dc)
    from tests.crimes.factories import make_crime

    make_crime(borough=u.other)
    make_crime(borough=u.other, officer=u.pc)  # held by someone from the other borough
    return u


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(roles=ROLE_SETS, who=st.sampled_from(["dc", "pc", "ds", "di", "trainee", None]))
def test_crime_view_and_change_rules_agree_with_their_filters(
    unit: Any, roles: frozenset[Role], who: Any
) -> None:
    me = getattr(unit, who) if who else None
    scope = ActorScope(
        user_id=1,
        roles=roles,
        person_id=me.pk if me else None,
        borough_id=me.borough_id if me else None,
        team_id=me.team_id if me else None,
    )
    visible = set(Crime.objects.filter(access.crime_view_q(scope)).values_list("pk", flat=True))
    changeable = set(Crime.objects.filter(access.crime_change_q(scope)).values_list("pk", flat=True))
    for crime in Crime.objects.all():
        assert (crime.pk in visible) == access.can_view_crime(scope, crime), (roles, who, crime)
        assert (crime.pk in changeable) == access.can_change_crime(scope, crime), (roles, who, crime)
