"""Need-to-know for victims: the predicate and the queryset filter agree (hypothesis), and who sees what."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custos.accounts.roles import Role
from custos.core.access import ActorScope
from custos.victims import access
from custos.victims.models import Victim, VictimCrime
from custos.workforce.models import Person
from tests.victims.helpers import add_victim, crime_in_a

ROLE_SETS = st.frozensets(st.sampled_from(list(Role)), max_size=3)


def _victims(force: Any) -> None:
    from tests.crimes.factories import make_crime

    add_victim(force, crime_in_a(force), first_name="Held")
    add_victim(force, crime_in_a(force, held=False), first_name="Unallocated")
    other = make_crime(
        borough=force.boroughs["B"], team=force.teams["cid@B"], officer=force.people["investigator@B"]
    )
    add_victim(force, other, actor=force.user("investigator", "B"), first_name="Elsewhere")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(roles=ROLE_SETS, actor_index=st.integers(min_value=0, max_value=200))
def test_victim_rules_agree_with_their_filters(force: Any, roles: frozenset[Role], actor_index: int) -> None:
    if not VictimCrime.objects.exists():
        _victims(force)
    people = list(Person.objects.all().order_by("pk"))
    me = people[actor_index % len(people)]
    scope = ActorScope(user_id=1, roles=roles, person_id=me.pk, borough_id=me.borough_id, team_id=me.team_id)
    links = list(VictimCrime.objects.select_related("crime__officer"))
    visible = set(VictimCrime.objects.filter(access.link_view_q(scope)).values_list("pk", flat=True))
    changeable = set(VictimCrime.objects.filter(access.link_change_q(scope)).values_list("pk", flat=True))
    # The worklist's form of the filter (through subqueries of crimes) picks the same links.
    through_crimes = set(
        VictimCrime.objects.filter(access.link_in_view_q(scope, field="pk")).values_list("pk", flat=True)
    )
    assert through_crimes == visible, (roles, me)
    for link in links:
        assert (link.pk in visible) == access.can_view_link(scope, link), (roles, me, link)
        assert (link.pk in changeable) == access.can_change_link(scope, link), (roles, me, link)
    seen = set(Victim.objects.filter(access.victim_view_q(scope)).values_list("pk", flat=True))
    for victim in Victim.objects.prefetch_related("links__crime__officer"):
        assert (victim.pk in seen) == access.can_view_victim(scope, victim), (roles, me, victim)


def test_inspectors_and_analysts_never_see_a_named_victim(force: Any) -> None:
    _victims(force)
    for role in (Role.INSPECTOR, Role.PERFORMANCE_ANALYST):
        scope = ActorScope(user_id=1, roles=frozenset({role}), person_id=None, borough_id=None, team_id=None)
        assert not Victim.objects.filter(access.victim_view_q(scope)).exists()
        assert access.can_view_compliance(scope)


def test_the_officer_their_team_supervisor_and_borough_victim_care_see_the_victim(force: Any) -> None:
    _victims(force)
    held = VictimCrime.objects.select_related("crime__officer").get(victim__first_name="Held")

    def scope(key: str, role: Role) -> ActorScope:
        p = force.people[key]
        return ActorScope(
            user_id=1, roles=frozenset({role}), person_id=p.pk, borough_id=p.borough_id, team_id=p.team_id
        )

    assert access.can_view_link(scope("investigator@A", Role.INVESTIGATOR), held)
    assert access.can_view_link(scope("investigation-supervisor@A", Role.INVESTIGATION_SUPERVISOR), held)
    assert access.can_view_link(scope("victim-care-officer@A", Role.VICTIM_CARE_OFFICER), held)
    assert access.can_view_link(scope("detective-inspector@A", Role.DETECTIVE_INSPECTOR), held)
    assert not access.can_view_link(scope("offender-manager@A", Role.OFFENDER_MANAGER), held)
    assert not access.can_view_link(scope("victim-care-officer@B", Role.VICTIM_CARE_OFFICER), held)


def test_the_list_filters_read_only_the_readers_own_links(force: Any) -> None:
    """A victim of a burglary in A (standard service) and of a crime in B (enhanced): for A's victim care
    officer the victim is listed, but not as enhanced, and not by B's crime reference; an administrator
    sees both."""
    from custos.victims.models import VictimCrime
    from custos.victims.selectors import VictimFilters, victim_list
    from tests.crimes.factories import make_crime
    from tests.victims.helpers import add_victim, crime_in_a

    victim = add_victim(force, crime_in_a(force))
    VictimCrime.objects.filter(victim=victim).update(enhanced=False)
    in_b = make_crime(borough=force.boroughs["B"], team=force.teams["cid@B"], reference="B/ELSEWHERE")
    VictimCrime.objects.create(victim=victim, crime=in_b, enhanced=True)

    def listed(user: Any, **filters: Any) -> bool:
        return (
            victim_list(actor=user, filters=VictimFilters(**filters), audit_search=False)
            .filter(pk=victim.pk)
            .exists()
        )

    care_a, admin = force.user("victim-care-officer", "A"), force.user("administrator")
    assert listed(care_a) and listed(care_a, enhanced=False)
    assert not listed(care_a, enhanced=True) and not listed(care_a, crime="B/ELSEWHERE")
    assert listed(admin, enhanced=True) and listed(admin, crime="B/ELSEWHERE")


def test_the_list_and_the_api_show_only_the_readers_own_crimes_of_a_victim(
    force: Any, client_for: Any
) -> None:
    """The victim's page shows only the crimes in need-to-know; the list and the API showed them all: A's
    victim care officer read B's crime reference and that the victim is enhanced there."""
    from tests.crimes.factories import make_crime

    victim = add_victim(force, crime_in_a(force), first_name="Twoborough")
    VictimCrime.objects.filter(victim=victim).update(enhanced=False)
    in_b = make_crime(borough=force.boroughs["B"], team=force.teams["cid@B"], reference="B/ELSEWHERE2")
    VictimCrime.objects.create(victim=victim, crime=in_b, enhanced=True)
    care_a = client_for(force.user("victim-care-officer", "A"))
    listed = care_a.get("/victims/?q=Twoborough").content.decode()
    assert "Twoborough" in listed and "B/ELSEWHERE2" not in listed
    summary = care_a.get("/api/v1/victims?q=Twoborough").json()["items"]
    assert [v["enhanced"] for v in summary] == [False]
    got = care_a.get(f"/api/v1/victims/{victim.pk}").json()
    in_a = VictimCrime.objects.get(victim=victim, crime__borough=force.boroughs["A"]).crime.reference
    assert [lk["crime_reference"] for lk in got["links"]] == [in_a]
    admin = client_for(force.user("administrator"))
    assert "B/ELSEWHERE2" in admin.get("/victims/?q=Twoborough").content.decode()
    assert len(admin.get(f"/api/v1/victims/{victim.pk}").json()["links"]) == 2
