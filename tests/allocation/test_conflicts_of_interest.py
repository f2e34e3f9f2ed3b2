"""Declared conflicts of interest: the engine never gives a conflicted officer a crime the conflict covers
(batch, single crime, what-if, commit-time), only a supervisor's override sets one aside, withdrawing it
makes the officer eligible again, and who may declare, see and withdraw them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custos.accounts.roles import Role
from custos.allocation import access, inputs
from custos.allocation.engine import CONFLICT, simulate
from custos.allocation.models import Allocation, AllocationKind, ConflictKind, ConflictOfInterest, QueueEntry
from custos.allocation.services import (
    CONFLICT_ALREADY_WITHDRAWN,
    CONFLICT_DECLARED,
    CONFLICT_NEEDS_NAME,
    ConflictIn,
    allocation_override,
    allocation_run,
    conflict_declare,
    conflict_withdraw,
)
from custos.core.access import ActorScope
from custos.core.models import AuditEvent
from custos.core.policy import current_policy
from custos.crimes.models import Crime
from custos.workforce.models import Person
from tests.crimes.factories import Unit


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


def declare(unit: Unit, officer: Any, *, actor: Any = None, **kw: Any) -> ConflictOfInterest:
    kw.setdefault("reason", "Lives next door")
    return conflict_declare(actor=actor or unit.supervisor, officer=officer, conflict=ConflictIn(**kw))


def serious_crime(unit: Unit, **kw: Any) -> Crime:
    return unit.crime(offence="robbery-personal", weapon=True, **kw)  # T2: only the DC (PIP2) may take it


# -- the engine's input side ----------------------------------------------------------------------------


def test_the_snapshot_carries_conflicts_with_the_crime_its_series_and_its_suspects_and_victims(
    unit: Any,
) -> None:
    from custos.victims.models import Victim, VictimCrime

    by_crime = unit.crime()
    in_series = unit.crime(series_id="SER-1")
    with_suspect = unit.crime(suspects=(("named", "John  SMITH", ""),))
    with_victim = unit.crime()
    untouched = unit.crime(suspects=(("named", "Jane Doe", ""),))
    victim = Victim.objects.create(borough=unit.borough, first_name="Ada", last_name="Lovelace")
    VictimCrime.objects.create(victim=victim, crime=with_victim)
    declare(unit, unit.dc, kind=ConflictKind.CRIME, crime=by_crime)
    declare(unit, unit.pc, kind=ConflictKind.SERIES, series_id="SER-1")
    declare(unit, unit.trainee, kind=ConflictKind.PERSON, person_name="john smith")
    declare(unit, unit.dc, kind=ConflictKind.PERSON, person_name="ada lovelace")

    data = inputs.build_inputs(borough=unit.borough, today=date.today(), policy=current_policy())

    conflicts = {c.id: c.conflicts for c in data.crimes}
    assert conflicts[by_crime.reference] == {unit.dc.staff_number}
    assert conflicts[in_series.reference] == {unit.pc.staff_number}
    assert conflicts[with_suspect.reference] == {unit.trainee.staff_number}
    assert conflicts[with_victim.reference] == {unit.dc.staff_number}
    assert conflicts[untouched.reference] == frozenset()


def test_a_conflicted_officer_is_never_chosen_by_the_batch_and_the_explanation_says_why(unit: Any) -> None:
    crime = unit.crime(suspects=(("named", "John Smith", ""),))
    declare(unit, unit.pc, kind=ConflictKind.PERSON, person_name="John Smith")
    declare(unit, unit.trainee, kind=ConflictKind.CRIME, crime=crime)

    result = allocation_run(actor=unit.supervisor, borough=unit.borough)

    assert [a.officer for a in result.allocations] == [unit.dc.staff_number]
    row = Allocation.objects.get(crime=crime, current=True)
    ruled_out = {alt["officer"]: alt for alt in row.explanation["next_best"]}
    for officer in (unit.pc, unit.trainee):
        assert ruled_out[officer.staff_number]["ruled_out_by"] == CONFLICT
        assert "declared conflict of interest" in ruled_out[officer.staff_number]["detail"]


def test_a_crime_whose_only_candidate_is_conflicted_goes_to_the_queue_with_the_reason(unit: Any) -> None:
    crime = serious_crime(unit)
    declare(unit, unit.dc, kind=ConflictKind.CRIME, crime=crime)

    result = allocation_run(actor=unit.supervisor, borough=unit.borough)

    assert result.allocations == []
    entry = QueueEntry.objects.get(crime=crime)
    assert "conflict of interest" in entry.reason
    assert entry.failures.get(CONFLICT) == 1
    assert Crime.objects.get(pk=crime.pk).officer is None


def test_single_crime_allocation_skips_conflicted_officers(unit: Any) -> None:
    crime = unit.crime()
    declare(unit, unit.dc, kind=ConflictKind.CRIME, crime=crime)
    declare(unit, unit.pc, kind=ConflictKind.CRIME, crime=crime)

    result = allocation_run(actor=unit.supervisor, crime=crime)

    assert [a.officer for a in result.allocations] == [unit.trainee.staff_number]
    explained = Allocation.objects.get(crime=crime, current=True).explanation
    assert {a["officer"] for a in explained["next_best"] if a["ruled_out_by"] == CONFLICT} == {
        unit.dc.staff_number,
        unit.pc.staff_number,
    }


def test_single_crime_allocation_queues_a_series_crime_whose_only_candidate_is_conflicted(
    unit: Any,
) -> None:
    crime = unit.crime(series_id="SER-9")
    assert crime.required_pip == 2  # the linked-series modifier: only the DC is PIP2
    declare(unit, unit.dc, kind=ConflictKind.SERIES, series_id="SER-9")

    result = allocation_run(actor=unit.supervisor, crime=crime)

    assert result.allocations == []
    assert "1 conflict of interest" in result.unallocated[0][1]


def test_withdrawing_a_conflict_makes_the_officer_eligible_again(unit: Any) -> None:
    crime = serious_crime(unit)
    conflict = declare(unit, unit.dc, kind=ConflictKind.CRIME, crime=crime)
    assert allocation_run(actor=unit.supervisor, borough=unit.borough).allocations == []

    conflict_withdraw(actor=unit.supervisor, conflict=conflict, reason="Declared against the wrong crime")
    result = allocation_run(actor=unit.supervisor, borough=unit.borough)

    assert [a.officer for a in result.allocations] == [unit.dc.staff_number]
    assert not QueueEntry.objects.filter(crime=crime).exists()


def test_what_if_runs_on_the_same_conflicts(unit: Any) -> None:
    serious_crime(unit)
    policy = current_policy()
    data = inputs.build_inputs(borough=unit.borough, today=date.today(), policy=policy)
    assert simulate(data.crimes, data.investigators, data.supervisors, policy=policy).unallocated == 0

    declare(unit, unit.dc, kind=ConflictKind.PERSON, person_name="Anyone")  # not this crime: no effect
    declare(unit, unit.dc, kind=ConflictKind.CRIME, crime=Crime.objects.get())
    data = inputs.build_inputs(borough=unit.borough, today=date.today(), policy=policy)

    assert simulate(data.crimes, data.investigators, data.supervisors, policy=policy).unallocated == 1


def test_a_conflict_declared_between_decision_and_commit_stops_the_allocation(
    unit: Any, monkeypatch: Any
) -> None:
    crime = serious_crime(unit)
    from custos.allocation import services

    real_commit_one = services._commit_one

    def racing(**kw: Any) -> Any:
        declare(unit, unit.dc, kind=ConflictKind.CRIME, crime=crime)
        return real_commit_one(**kw)

    monkeypatch.setattr(services, "_commit_one", racing)

    result = allocation_run(actor=unit.supervisor, borough=unit.borough)

    assert result.allocations == []
    assert result.unallocated == [(crime.reference, CONFLICT_DECLARED.format(officer=unit.dc.staff_number))]
    assert Crime.objects.get(pk=crime.pk).officer is None


def test_only_a_supervisor_override_with_a_rationale_places_a_crime_with_a_conflicted_officer(
    unit: Any,
) -> None:
    crime = serious_crime(unit)
    declare(unit, unit.dc, kind=ConflictKind.CRIME, crime=crime)

    with pytest.raises(PermissionError):
        allocation_override(actor=unit.investigator, crime=crime, officer=unit.dc, rationale="I know it")
    with pytest.raises(ValidationError):
        allocation_override(actor=unit.supervisor, crime=crime, officer=unit.dc, rationale=" ")
    assert Crime.objects.get(pk=crime.pk).officer is None

    row = allocation_override(
        actor=unit.supervisor,
        crime=crime,
        officer=unit.dc,
        rationale="Conflict is remote; no one else with PIP2 is on duty",
    )

    assert row.kind == AllocationKind.OVERRIDE
    assert CONFLICT in {b["code"] for b in row.breaks}
    event = AuditEvent.objects.get(action="custos.allocation.overridden", object_id=str(row.pk))
    assert CONFLICT in {b["code"] for b in event.changes["breaks"]}


# -- declaring and withdrawing ----------------------------------------------------------------------------


def test_an_officer_declares_their_own_but_not_a_colleagues(unit: Any) -> None:
    own = declare(unit, unit.dc, actor=unit.investigator, kind=ConflictKind.PERSON, person_name="Bob Jones")

    assert own.declared_by == unit.investigator and own.name_key == "bob jones"
    assert AuditEvent.objects.filter(action="custos.conflict_of_interest.declared").count() == 1
    with pytest.raises(PermissionError):
        declare(unit, unit.pc, actor=unit.investigator, kind=ConflictKind.PERSON, person_name="Bob Jones")


def test_a_supervisor_records_conflicts_for_their_team_not_for_another_borough(
    unit: Any, make_person: Any
) -> None:
    stranger = make_person(borough=unit.other, pip_level=1)

    declare(unit, unit.pc, kind=ConflictKind.SERIES, series_id="S-2")

    with pytest.raises(PermissionError):
        declare(unit, stranger, kind=ConflictKind.SERIES, series_id="S-2")


def test_a_conflict_needs_its_target_and_a_reason_and_is_not_recorded_twice(unit: Any) -> None:
    with pytest.raises(ValidationError) as missing:
        declare(unit, unit.dc, kind=ConflictKind.PERSON, person_name="  ")
    assert missing.value.message_dict["person_name"] == [CONFLICT_NEEDS_NAME]
    with pytest.raises(ValidationError):
        declare(unit, unit.dc, kind=ConflictKind.PERSON, person_name="Al", reason="")
    declare(unit, unit.dc, kind=ConflictKind.PERSON, person_name="Al  Capone")
    with pytest.raises(ValidationError):
        declare(unit, unit.dc, kind=ConflictKind.PERSON, person_name="al capone")
    assert ConflictOfInterest.objects.count() == 1


def test_an_officer_cannot_lift_a_conflict_their_supervisor_recorded(unit: Any) -> None:
    recorded = declare(unit, unit.dc, kind=ConflictKind.SERIES, series_id="S-3")
    own = declare(unit, unit.dc, actor=unit.investigator, kind=ConflictKind.SERIES, series_id="S-4")

    with pytest.raises(PermissionError):
        conflict_withdraw(actor=unit.investigator, conflict=recorded, reason="Not any more")
    with pytest.raises(ValidationError):
        conflict_withdraw(actor=unit.investigator, conflict=own, reason="")
    conflict_withdraw(actor=unit.investigator, conflict=own, reason="Declared in error")

    own.refresh_from_db()
    assert not own.active and own.withdrawn_by == unit.investigator
    assert own.withdrawal_reason == "Declared in error"
    with pytest.raises(ValidationError) as again:
        conflict_withdraw(actor=unit.supervisor, conflict=own, reason="Twice")
    assert again.value.messages == [CONFLICT_ALREADY_WITHDRAWN]
    assert AuditEvent.objects.filter(action="custos.conflict_of_interest.withdrawn").count() == 1


# -- API and pages ------------------------------------------------------------------------------------------


def test_the_api_declares_lists_and_withdraws_a_conflict(unit: Any, client_for: Any) -> None:
    crime = unit.crime()
    client = client_for(unit.investigator)

    created = client.post(
        "/api/v1/allocations/conflicts",
        data=json.dumps(
            {"officer_id": unit.dc.pk, "kind": "crime", "crime_id": crime.pk, "reason": "My cousin's shop"}
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["crime"] == crime.reference and body["active"] and body["declared_by"] == "unit-dc"

    bad = client.post(
        "/api/v1/allocations/conflicts",
        data=json.dumps({"officer_id": unit.dc.pk, "kind": "person", "reason": "x"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    listed = client.get(f"/api/v1/allocations/conflicts?crime_id={crime.pk}").json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]
    searched = AuditEvent.objects.filter(
        action="custos.conflict_of_interest.searched", actor=unit.investigator
    )
    assert searched.filter(sensitive=True).count() == 1

    withdrawn = client.post(
        f"/api/v1/allocations/conflicts/{body['id']}/withdraw",
        data=json.dumps({"reason": "Cousin sold the shop"}),
        content_type="application/json",
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["active"] is False
    assert client.get("/api/v1/allocations/conflicts").json()["count"] == 0
    assert client.get("/api/v1/allocations/conflicts?status=withdrawn").json()["count"] == 1


def test_a_colleague_cannot_see_or_withdraw_an_officers_conflict(unit: Any, client_for: Any) -> None:
    conflict = declare(unit, unit.dc, kind=ConflictKind.SERIES, series_id="S-5")
    colleague = client_for(unit.pc_user)

    assert colleague.get(f"/api/v1/allocations/conflicts/{conflict.pk}").status_code == 404
    assert colleague.get("/api/v1/allocations/conflicts").json()["count"] == 0
    response = colleague.post(f"/allocation/conflicts/{conflict.pk}/withdraw/", {"reason": "Not needed"})
    assert response.status_code == 404
    assert ConflictOfInterest.objects.get(pk=conflict.pk).active


def test_a_supervisor_records_a_conflict_on_the_page_and_it_shows_on_the_crime_and_the_workload(
    unit: Any, client_for: Any
) -> None:
    crime = unit.crime()
    client = client_for(unit.supervisor)

    form = client.get(f"/allocation/conflicts/?crime={crime.pk}")
    assert form.status_code == 200 and crime.reference in form.content.decode()
    response = client.post(
        "/allocation/conflicts/",
        {
            "officer": unit.pc.pk,
            "kind": "crime",
            "crime_reference": crime.reference,
            "reason": "Brother-in-law",
        },
    )
    assert response.status_code == 302

    conflict = ConflictOfInterest.objects.get()
    assert conflict.officer == unit.pc and conflict.crime == crime and conflict.declared_by == unit.supervisor
    page = client.get(f"/crimes/{crime.pk}/").content.decode()
    assert 'data-testid="crime-conflicts"' in page and "Brother-in-law" in page
    workload = client.get(f"/allocation/workload/{unit.pc.pk}/").content.decode()
    assert "Brother-in-law" in workload and "Withdraw conflict" in workload
    # The officer sees it on their own workload page, but cannot withdraw what the supervisor recorded.
    own = client_for(unit.pc_user).get(f"/allocation/workload/{unit.pc.pk}/").content.decode()
    assert "Brother-in-law" in own and "Withdraw conflict" not in own

    client.post(f"/allocation/conflicts/{conflict.pk}/withdraw/", {"reason": "Divorced"})
    assert not ConflictOfInterest.objects.get().active


def test_the_declare_page_refuses_a_crime_outside_the_officers_view(unit: Any, client_for: Any) -> None:
    from tests.crimes.factories import make_crime

    elsewhere = make_crime(borough=unit.other)
    response = client_for(unit.investigator).post(
        "/allocation/conflicts/",
        {"officer": unit.dc.pk, "kind": "crime", "crime_reference": elsewhere.reference, "reason": "x"},
    )
    assert response.status_code == 200
    assert "No crime with that reference" in response.content.decode()
    assert not ConflictOfInterest.objects.exists()


def test_the_single_crime_allocate_button_refuses_a_conflicted_only_candidate(
    unit: Any, client_for: Any
) -> None:
    crime = serious_crime(unit)
    declare(unit, unit.dc, kind=ConflictKind.CRIME, crime=crime)

    response = client_for(unit.supervisor).post(f"/allocation/crimes/{crime.pk}/allocate/", follow=True)

    assert "conflict of interest" in response.content.decode()
    assert Crime.objects.get(pk=crime.pk).officer is None


def test_the_officer_workload_page_runs_a_constant_number_of_queries(
    unit: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(12):
        unit.crime(officer=unit.dc)
        declare(unit, unit.dc, kind=ConflictKind.SERIES, series_id=f"S-{i}")
    client = client_for(unit.supervisor)
    client.get(f"/allocation/workload/{unit.dc.pk}/")  # warm the session and policy caches

    with django_assert_max_num_queries(25):
        assert client.get(f"/allocation/workload/{unit.dc.pk}/").status_code == 200


# -- need-to-know: each rule as a predicate and a filter, and they agree ------------------------------------

ROLE_SETS = st.frozensets(st.sampled_from(list(Role)), max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(roles=ROLE_SETS, actor_index=st.integers(min_value=0, max_value=200))
def test_conflict_view_and_declare_rules_agree_with_their_filters(
    force: Any, roles: frozenset[Role], actor_index: int
) -> None:
    people = list(Person.objects.all().order_by("pk"))
    if not ConflictOfInterest.objects.exists():
        for p in people[::3]:
            ConflictOfInterest.objects.create(
                officer=p, kind=ConflictKind.SERIES, series_id=f"S{p.pk}", reason="test"
            )
    me = people[actor_index % len(people)]
    scope = ActorScope(user_id=1, roles=roles, person_id=me.pk, borough_id=me.borough_id, team_id=me.team_id)
    visible = set(
        ConflictOfInterest.objects.filter(access.conflict_view_q(scope)).values_list("pk", flat=True)
    )
    for c in ConflictOfInterest.objects.select_related("officer"):
        assert (c.pk in visible) == access.can_view_conflict(scope, c), (roles, me, c)
    declarable = set(Person.objects.filter(access.declarable_officers_q(scope)).values_list("pk", flat=True))
    for p in people:
        assert (p.pk in declarable) == access.can_declare_for(scope, p), (roles, me, p)
