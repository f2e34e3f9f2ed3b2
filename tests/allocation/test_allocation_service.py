"""Allocation around the engine: persisted, explained decisions; the supervisor queue; overrides;
commit-time re-checks against concurrent changes; the `custos allocate --json` contract."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from custos.allocation.engine import PIP, PROBATIONER_TIER
from custos.allocation.models import Allocation, AllocationKind, QueueEntry
from custos.allocation.services import CONFLICT_CAP, CONFLICT_TAKEN, allocation_override, allocation_run
from custos.core.models import AuditEvent
from custos.crimes.models import Crime
from custos.investigations.models import InvestigationPlan
from tests.crimes.factories import Unit


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


def test_a_batch_run_persists_each_allocation_with_its_explanation_and_versions(unit: Any) -> None:
    volume = unit.crime(offence="theft-other")
    serious = unit.crime(offence="robbery-personal", weapon=True)  # T2: needs PIP2

    result = allocation_run(actor=unit.supervisor, borough=unit.borough)

    assert {a.crime for a in result.allocations} == {volume.reference, serious.reference}
    row = Allocation.objects.get(crime=serious, current=True)
    assert row.officer == unit.dc  # the only PIP2 investigator
    assert row.kind == AllocationKind.ENGINE
    assert row.explanation["reasons"] and "next_best" in row.explanation and "binding" in row.explanation
    assert row.policy_version and row.engine_version
    assert Crime.objects.get(pk=serious.pk).officer == unit.dc
    plan = InvestigationPlan.objects.get(crime=serious)
    assert plan.lines.count() > 0 and plan.next_review_due > date.today() - timedelta(days=1)
    assert AuditEvent.objects.filter(action="custos.allocation.created").count() == 2


def test_a_crime_no_one_can_take_goes_to_the_supervisor_queue_with_the_reason(unit: Any) -> None:
    murder = unit.crime(offence="attempted-murder")  # T3: PIP3, and nobody below DI holds it

    result = allocation_run(actor=unit.supervisor, borough=unit.borough)

    assert result.allocations == []
    entry = QueueEntry.objects.get(crime=murder)
    assert "PIP3" in entry.reason
    assert Crime.objects.get(pk=murder.pk).officer is None


def test_a_dry_run_decides_but_writes_nothing(unit: Any) -> None:
    unit.crime()

    result = allocation_run(actor=unit.supervisor, borough=unit.borough, dry_run=True)

    assert len(result.allocations) == 1
    assert not Allocation.objects.exists() and not Crime.objects.filter(officer__isnull=False).exists()


def test_a_crime_taken_by_someone_else_meanwhile_is_a_conflict_not_a_double_allocation(
    unit: Any, monkeypatch: Any
) -> None:
    crime = unit.crime()
    from custos.allocation import services

    real_commit_one = services._commit_one

    def racing(**kw: Any) -> Any:
        # A manual change lands between the engine's decision and the commit.
        Crime.objects.filter(pk=crime.pk).update(officer=unit.pc, version=crime.version + 1)
        return real_commit_one(**kw)

    monkeypatch.setattr(services, "_commit_one", racing)

    result = allocation_run(actor=unit.supervisor, borough=unit.borough)

    assert result.allocations == []
    assert result.unallocated == [(crime.reference, CONFLICT_TAKEN)]
    assert Crime.objects.get(pk=crime.pk).officer == unit.pc
    assert not Allocation.objects.exists()


def test_an_officer_filled_to_the_cap_meanwhile_is_not_pushed_over_it(unit: Any, monkeypatch: Any) -> None:
    crime = unit.crime(offence="robbery-personal", weapon=True)  # only the DC can take it
    from custos.allocation import services

    real_commit_one = services._commit_one

    def racing(**kw: Any) -> Any:
        for _ in range(25):  # another run gives the DC a full caseload first
            unit.crime(officer=unit.dc)
        return real_commit_one(**kw)

    monkeypatch.setattr(services, "_commit_one", racing)

    result = allocation_run(actor=unit.supervisor, borough=unit.borough)

    assert result.allocations == []
    assert result.unallocated[0][1].startswith(CONFLICT_CAP.split("{")[0])
    assert Crime.objects.get(pk=crime.pk).officer is None


def test_an_override_needs_a_supervisor_and_a_rationale_and_is_audited(unit: Any) -> None:
    crime = unit.crime(offence="robbery-commercial", commercial_victim=True)

    with pytest.raises(PermissionError):
        allocation_override(actor=unit.investigator, crime=crime, officer=unit.trainee, rationale="because")
    with pytest.raises(ValidationError):
        allocation_override(actor=unit.supervisor, crime=crime, officer=unit.trainee, rationale="  ")
    row = allocation_override(
        actor=unit.supervisor, crime=crime, officer=unit.trainee, rationale="Only officer who saw the suspect"
    )

    assert row.kind == AllocationKind.OVERRIDE and row.supervisor == unit.ds
    assert {b["code"] for b in row.breaks} >= {PIP, PROBATIONER_TIER}  # the hard constraints set aside
    event = AuditEvent.objects.get(action="custos.allocation.overridden")
    assert event.changes["rationale"] == "Only officer who saw the suspect"
    assert Crime.objects.get(pk=crime.pk).officer == unit.trainee


def test_an_override_moves_the_previous_holders_open_lines_and_tasks_to_the_new_investigator(
    unit: Any, client_for: Any
) -> None:
    from custos.investigations.models import LineOfEnquiry, Task
    from custos.investigations.services import line_update, task_add

    crime = unit.crime(offence="theft-other")
    allocation_run(actor=unit.supervisor, borough=unit.borough)
    crime.refresh_from_db()
    previous = crime.officer
    new = unit.pc if previous != unit.pc else unit.dc
    lines = list(LineOfEnquiry.objects.filter(plan__crime=crime).order_by("id"))
    line_update(actor=unit.supervisor, line=lines[0], status="pursued", reason="Statement taken")
    task_add(actor=unit.supervisor, crime=crime, title="Call the victim", owner=previous, due_on=date.today())
    crime.refresh_from_db()

    allocation_override(actor=unit.supervisor, crime=crime, officer=new, rationale="Continuity with victim")

    open_lines = LineOfEnquiry.objects.filter(plan__crime=crime, status="")
    assert open_lines.count() == len(lines) - 1
    assert set(open_lines.values_list("owner_id", flat=True)) == {new.pk}
    assert LineOfEnquiry.objects.get(pk=lines[0].pk).owner == previous  # who pursued it stays on record
    assert Task.objects.get(crime=crime).owner == new
    assert AuditEvent.objects.filter(action="custos.plan.handed_over").count() == 1
    new_user = unit.pc_user if new == unit.pc else unit.investigator
    worklist = client_for(new_user).get("/api/v1/investigations/worklist").json()
    assert worklist["lines_count"] == len(lines) - 1 and worklist["tasks_count"] == 1


def test_allocating_one_crime_from_its_page_names_the_officer_and_the_next_best_candidates(
    unit: Any, client_for: Any
) -> None:
    import html

    crime = unit.crime(offence="theft-other")  # T1: the DC, the PC and the trainee may all take it

    response = client_for(unit.supervisor).post(f"/allocation/crimes/{crime.pk}/allocate/", follow=True)

    body = html.unescape(response.content.decode())
    row = Allocation.objects.get(crime=crime, current=True)
    assert f"Allocated to {row.officer}." in body  # rank, name and staff number, not the number alone
    named = [n for n in row.explanation["next_best"] if n["officer"] != row.officer.staff_number]
    assert named
    from custos.workforce.models import Person

    for n in named:
        assert f"<li>{Person.objects.get(staff_number=n['officer'])}: " in body
    detail = html.unescape(client_for(unit.supervisor).get(f"/allocation/{row.pk}/").content.decode())
    assert f"<li>{Person.objects.get(staff_number=named[0]['officer'])}: " in detail


def test_the_api_override_offers_the_same_officers_as_the_page_and_nobody_else(
    unit: Any, client_for: Any, make_person: Any
) -> None:
    from custos.allocation.services import OFFICER_NOT_INVESTIGATOR

    crime = unit.crime(offence="theft-other")
    elsewhere = make_person(rank="constable", borough=unit.other, team=None, pip_level=1)
    staff = make_person(rank="staff-band-d", borough=unit.borough, team=unit.team, pip_level=0)
    client = client_for(unit.supervisor)

    refused = {
        who: client.post(
            "/api/v1/allocations/override",
            data=json.dumps({"crime_id": crime.pk, "officer_id": person.pk, "rationale": "Knows the area"}),
            content_type="application/json",
        )
        for who, person in (("other borough", elsewhere), ("police staff", staff), ("their DS", unit.ds))
    }
    allowed = client.post(
        "/api/v1/allocations/override",
        data=json.dumps({"crime_id": crime.pk, "officer_id": unit.pc.pk, "rationale": "Knows the area"}),
        content_type="application/json",
    )

    for who, response in refused.items():
        assert response.status_code == 422, who
        assert response.json()["errors"]["officer"] == [OFFICER_NOT_INVESTIGATOR], who
    assert allowed.status_code == 201, allowed.content
    assert Crime.objects.get(pk=crime.pk).officer == unit.pc


def test_the_override_rate_counts_overrides_among_allocations(unit: Any, client_for: Any) -> None:
    unit.crime()
    allocation_run(actor=unit.supervisor, borough=unit.borough)
    allocation_override(
        actor=unit.supervisor, crime=unit.crime(), officer=unit.pc, rationale="Local knowledge"
    )

    page = client_for(unit.supervisor).get("/allocation/")

    assert page.status_code == 200
    assert b"50.0%" in page.content


def test_custos_allocate_json_has_exactly_the_contract_keys_and_is_identical_on_a_rerun(
    unit: Any, capsys: Any
) -> None:
    from custos.cli import main

    for offence in ("theft-other", "shoplifting", "robbery-personal", "attempted-murder"):
        unit.crime(offence=offence)

    assert main(["allocate", "--dry-run", "--borough", "UA", "--json"]) == 0
    first = capsys.readouterr().out
    assert main(["allocate", "--dry-run", "--borough", "UA", "--json"]) == 0
    second = capsys.readouterr().out

    assert first == second
    body = json.loads(first)
    assert list(body) == ["policy_version", "allocations", "unallocated"]
    assert list(body["allocations"][0]) == [
        "crime",
        "officer",
        "required_pip",
        "officer_pip",
        "specialism",
        "officer_specialisms",
        "load_before",
        "load_after",
        "cap",
        "reasons",
    ]
    assert [list(u) for u in body["unallocated"]] == [["crime", "reason"]]


def test_workload_pages_run_a_constant_number_of_queries(
    unit: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(unit.supervisor)
    for i in range(30):
        unit.crime(officer=[unit.dc, unit.pc, unit.trainee][i % 3])
    client.get("/allocation/workload/")  # warm caches (session, policy)

    with django_assert_max_num_queries(25):
        small = client.get("/allocation/workload/")
    for i in range(60):
        unit.crime(officer=[unit.dc, unit.pc, unit.trainee][i % 3])
    with django_assert_max_num_queries(25):
        large = client.get("/allocation/workload/?view=team")

    assert small.status_code == large.status_code == 200
    assert b"over 25" in client.get("/allocation/workload/").content


def test_an_explanation_names_the_team_as_the_workforce_app_stores_it_not_by_its_id(
    unit: Any, capsys: Any
) -> None:
    from custos.cli import main

    crime = unit.crime()

    assert main(["allocate", "--dry-run", "--borough", "UA", "--json"]) == 0
    (printed,) = json.loads(capsys.readouterr().out)["allocations"]
    allocation_run(actor=unit.supervisor, borough=unit.borough)
    stored = Allocation.objects.get(crime=crime, current=True).explanation["reasons"]

    for reasons in (printed["reasons"], stored):
        assert "same team (CID 1)" in reasons
        assert f"same team ({unit.team.pk})" not in reasons
