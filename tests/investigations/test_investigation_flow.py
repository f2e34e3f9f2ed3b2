"""Investigation quality in the Django layer: plan at allocation, lines of enquiry, reviews and their
escalation, outcome validation, finalisation only with every line resolved, NFA sign-off, NFA rates."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from custos.crimes.models import Crime, CrimeStatus
from custos.investigations import services
from custos.investigations.models import InvestigationPlan, OutcomeStatus, ReviewEscalation
from custos.investigations.services import line_update, outcome_propose, outcome_signoff, review_record
from tests.crimes.factories import Unit
from tests.redirects import OFF_SITE


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


def _allocated(unit: Any, **kw: Any) -> Crime:
    crime = unit.crime(officer=unit.dc, **kw)
    services.plan_create(actor=None, crime=crime, owner=unit.dc, allocated_on=date.today())
    return crime


def _resolve_all(unit: Any, crime: Crime) -> None:
    for line in InvestigationPlan.objects.get(crime=crime).lines.all():
        line_update(actor=unit.investigator, line=line, status="not-available", reason="Checked; none exists")


def test_the_plan_comes_from_the_policy_template_with_the_first_review_one_working_day_on(unit: Any) -> None:
    from custos.core.policy import current_policy
    from custos.core.workingdays import add_working_days
    from custos.investigations.rules import plan_template

    crime = _allocated(unit, offence="burglary-residential")

    plan = InvestigationPlan.objects.get(crime=crime)
    expected = [t.key for t in plan_template("burglary-residential", policy=current_policy()).lines]
    assert list(plan.lines.order_by("id").values_list("key", flat=True)) == expected
    assert plan.next_review_due == add_working_days(date.today(), 1)


def test_a_line_of_enquiry_needs_a_known_status_and_a_reason(unit: Any) -> None:
    crime = _allocated(unit)
    line = InvestigationPlan.objects.get(crime=crime).lines.first()
    assert line is not None

    with pytest.raises(ValidationError) as no_reason:
        line_update(actor=unit.investigator, line=line, status="pursued", reason=" ")
    with pytest.raises(ValidationError):
        line_update(actor=unit.investigator, line=line, status="ignored", reason="x")
    done = line_update(actor=unit.investigator, line=line, status="pursued", reason="Statement taken")

    assert "reason" in no_reason.value.message_dict
    assert (done.status, done.owner, done.decided_on) == ("pursued", unit.dc, date.today())


def test_a_crime_cannot_be_finalised_while_a_line_of_enquiry_is_open(unit: Any) -> None:
    crime = _allocated(unit)

    with pytest.raises(ValidationError) as refused:
        outcome_propose(actor=unit.investigator, crime=crime, outcome=18)

    assert any("still open" in m for m in refused.value.message_dict["outcome"])
    assert Crime.objects.get(pk=crime.pk).status == CrimeStatus.OPEN


@pytest.mark.parametrize(
    ("outcome", "suspects", "allowed"),
    [
        (21, (), False),  # needs a named suspect
        (21, (("named", "Sam Doe", ""),), True),
        (16, (), False),  # needs an identified suspect
        (16, (("identified", "", ""),), True),
        (18, (("named", "Sam Doe", ""),), False),  # needs none
        (14, (), True),
        (0, (), False),  # never final
    ],
)
def test_outcomes_are_validated_against_the_suspect(
    unit: Any, outcome: int, suspects: Any, allowed: bool
) -> None:
    crime = _allocated(unit, suspects=suspects)
    _resolve_all(unit, crime)

    if allowed:
        decision = outcome_propose(
            actor=unit.investigator,
            crime=crime,
            outcome=outcome,
            rationale="Reason given",
            victim_informed=True,
        )
        assert decision.outcome == outcome
    else:
        with pytest.raises(ValidationError):
            outcome_propose(actor=unit.investigator, crime=crime, outcome=outcome)


def test_an_nfa_outcome_waits_for_a_supervisors_sign_off_with_a_rationale(unit: Any) -> None:
    crime = _allocated(unit)
    _resolve_all(unit, crime)

    decision = outcome_propose(actor=unit.investigator, crime=crime, outcome=18)
    assert decision.status == OutcomeStatus.AWAITING_SIGNOFF
    assert Crime.objects.get(pk=crime.pk).status == CrimeStatus.OPEN
    with pytest.raises(PermissionError):
        outcome_signoff(actor=unit.investigator, crime=crime, rationale="Fine")
    with pytest.raises(ValidationError):
        outcome_signoff(actor=unit.supervisor, crime=crime, rationale=" ")
    signed = outcome_signoff(actor=unit.supervisor, crime=crime, rationale="All lines exhausted")

    assert signed.signed_off_by == unit.ds and signed.status == OutcomeStatus.FINALISED
    finalised = Crime.objects.get(pk=crime.pk)
    assert (finalised.status, finalised.outcome) == (CrimeStatus.FINALISED, 18)


def test_a_supervisor_cannot_sign_off_an_nfa_outcome_they_proposed_themselves(
    unit: Any, make_person: Any, make_user: Any, client_for: Any
) -> None:
    crime = _allocated(unit)
    _resolve_all(unit, crime)
    outcome_propose(actor=unit.supervisor, crime=crime, outcome=18, rationale="No suspect")
    other_ds = make_person(rank="detective-sergeant", borough=unit.borough, team=unit.team, pip_level=1)
    second = make_user("unit-ds-2", ["investigation-supervisor"], other_ds)

    page = client_for(unit.supervisor).get(f"/investigations/crimes/{crime.pk}/").content.decode()
    own_queue, other_queue = (
        client_for(u).get("/investigations/supervision/").content.decode().split("Escalated")[0]
        for u in (unit.supervisor, second)
    )
    with pytest.raises(ValidationError) as refused:
        outcome_signoff(actor=unit.supervisor, crime=crime, rationale="Agreed")
    assert Crime.objects.get(pk=crime.pk).status == CrimeStatus.OPEN
    signed = outcome_signoff(actor=second, crime=crime, rationale="Agreed: all lines exhausted")

    assert 'data-testid="sign-off"' not in page and 'data-testid="sign-off-by-another"' in page
    assert crime.reference not in own_queue  # not "awaiting your sign-off": it cannot be theirs
    assert crime.reference in other_queue
    assert any("proposed the outcome" in m for m in refused.value.message_dict["rationale"])
    assert signed.signed_off_by == other_ds
    assert Crime.objects.get(pk=crime.pk).status == CrimeStatus.FINALISED


def test_completing_a_task_goes_back_only_to_a_page_of_this_site(unit: Any, client_for: Any) -> None:
    from custos.investigations.models import Task

    crime = _allocated(unit)
    client = client_for(unit.investigator)
    tasks = [
        Task.objects.create(crime=crime, title=f"Task {i}", owner=unit.dc, due_on=date.today())
        for i in range(2)
    ]

    away = client.post(f"/investigations/tasks/{tasks[0].pk}/done/", {"next": "https://evil.example/"})
    back = client.post(
        f"/investigations/tasks/{tasks[1].pk}/done/", {"next": f"/investigations/crimes/{crime.pk}/"}
    )

    assert away.status_code == 302 and away["Location"] == "/investigations/"
    assert back["Location"] == f"/investigations/crimes/{crime.pk}/"
    assert all(t.done_on for t in Task.objects.filter(crime=crime))


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_task_done_never_goes_back_to_a_protocol_relative_or_backslashed_host(
    unit: Any, client_for: Any, target: str
) -> None:
    from custos.investigations.models import Task

    crime = _allocated(unit)
    task = Task.objects.create(crime=crime, title="Task", owner=unit.dc, due_on=date.today())

    response = client_for(unit.investigator).post(f"/investigations/tasks/{task.pk}/done/", {"next": target})

    assert response.status_code == 302 and response["Location"] == "/investigations/"


def test_outcome_21_on_a_domestic_abuse_crime_shows_the_home_office_warning(
    unit: Any, client_for: Any
) -> None:
    crime = _allocated(unit, domestic_abuse=True, suspects=(("named", "Sam Doe", ""),))
    _resolve_all(unit, crime)
    client = client_for(unit.investigator)

    response = client.post(
        f"/investigations/crimes/{crime.pk}/outcome/",
        {"outcome": "21", "rationale": "Minor; victim content", "victim_informed": "on"},
        follow=True,
    )

    body = response.content.decode()
    assert Crime.objects.get(pk=crime.pk).outcome == 21
    assert "should not normally be used in domestic-abuse cases" in body  # on arrival, as a message
    later = client.get(f"/investigations/crimes/{crime.pk}/").content.decode()
    assert 'data-testid="outcome-warning"' in later and "domestic-abuse cases" in later  # and kept


def test_a_charge_finalises_at_once_without_sign_off(unit: Any) -> None:
    crime = _allocated(unit, suspects=(("named", "Sam Doe", ""),))
    _resolve_all(unit, crime)

    decision = outcome_propose(actor=unit.investigator, crime=crime, outcome=1)

    assert decision.status == OutcomeStatus.FINALISED
    assert Crime.objects.get(pk=crime.pk).outcome == 1


def test_a_review_sets_the_next_one_by_tier_and_an_overdue_one_escalates_once(unit: Any) -> None:
    from custos.investigations.sweep import escalate_overdue_reviews

    t1 = _allocated(unit, offence="theft-other")
    t2 = _allocated(unit, offence="robbery-personal", weapon=True)
    review_record(actor=unit.supervisor, crime=t1, direction="Check CCTV")
    review_record(actor=unit.supervisor, crime=t2, direction="Arrest plan")
    assert InvestigationPlan.objects.get(crime=t1).next_review_due == date.today() + timedelta(days=28)
    assert InvestigationPlan.objects.get(crime=t2).next_review_due == date.today() + timedelta(days=14)
    with pytest.raises(PermissionError):
        review_record(actor=unit.investigator, crime=t1, direction="Self review")

    later = date.today() + timedelta(days=20)
    first = escalate_overdue_reviews(later)
    second = escalate_overdue_reviews(later)

    assert (first.created, second.created) == ({"review_escalations": 1}, {"review_escalations": 0})
    escalation = ReviewEscalation.objects.get()
    assert escalation.plan.crime == t2
    assert escalation.escalate_to_rank == "inspector" and escalation.escalate_to == unit.di


def test_the_iioc_nfa_core_rate_of_60_percent_is_reproduced_from_the_demo_data(
    unit: Any, client_for: Any
) -> None:
    from custos.crimes.demo import seed_part

    seed_part(scale="demo", seed=1, progress=False)

    page = client_for(unit.admin).get("/investigations/nfa-rates/?by=group")
    api = client_for(unit.admin).get("/api/v1/investigations/nfa-rates?by=group").json()

    iioc = next(r for r in api if r["group"] == "iioc")
    assert iioc["nfa_core_percent"] == 60.0
    assert b"60.0%" in page.content


def test_the_nfa_drill_down_names_the_team_and_a_reader_without_names_gets_no_dangling_link(
    unit: Any, client_for: Any, make_user: Any
) -> None:
    crime = _allocated(unit, suspects=(("named", "Sam Doe", ""),))
    _resolve_all(unit, crime)
    outcome_propose(actor=unit.investigator, crime=crime, outcome=1)
    analyst = make_user("unit-analyst", ["performance-analyst"])
    supervisor = client_for(unit.supervisor)

    drill = supervisor.get(f"/investigations/nfa-rates/?by=team&group={unit.team.pk}").content.decode()
    not_a_team = supervisor.get("/investigations/nfa-rates/?by=team&group=CID")
    aggregates = client_for(analyst).get("/investigations/nfa-rates/?by=team").content.decode()

    assert f"Crimes in {unit.team}</h2>" in drill and crime.reference in drill
    assert '<th class="govuk-table__header">Team</th>' in drill
    assert not_a_team.status_code == 404
    assert "Officer" not in aggregates and " · ." not in aggregates
    assert "<strong>Team</strong>" in aggregates


def test_rate_rows_come_a_page_at_a_time_with_every_group_on_some_page(
    unit: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from custos.crimes.demo import seed_part
    from custos.investigations import views

    seed_part(scale="demo", seed=1, progress=False)
    monkeypatch.setattr(views, "RATE_ROWS_PER_PAGE", 5)
    client = client_for(unit.admin)
    every = {r["group"] for r in client.get("/api/v1/investigations/nfa-rates?by=offence").json()}
    assert len(every) > 5

    shown: list[str] = []
    page = 1
    while True:
        html = client.get(f"/investigations/nfa-rates/?by=offence&rows={page}").content.decode()
        rows = re.findall(r'<tr class="govuk-table__row" data-group="([^"]+)"', html)
        assert 0 < len(rows) <= 5
        shown += rows
        if f"rows={page + 1}" not in html:
            break
        page += 1
    assert sorted(shown) == sorted(every)


def test_the_worklist_and_supervision_pages_run_a_constant_number_of_queries(
    unit: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    investigator, supervisor = client_for(unit.investigator), client_for(unit.supervisor)
    for _ in range(3):
        _allocated(unit)
    investigator.get("/investigations/")
    supervisor.get("/investigations/supervision/")
    with django_assert_max_num_queries(20):
        assert investigator.get("/investigations/").status_code == 200
    with django_assert_max_num_queries(20):
        assert supervisor.get("/investigations/supervision/").status_code == 200
    for _ in range(20):
        _allocated(unit)
    with django_assert_max_num_queries(20):
        assert investigator.get("/investigations/").status_code == 200
    with django_assert_max_num_queries(20):
        assert supervisor.get("/investigations/supervision/").status_code == 200
