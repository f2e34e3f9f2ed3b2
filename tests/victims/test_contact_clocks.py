"""Investigation events start victim contact clocks; overdue clocks escalate (idempotently); the worklist."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from custos.core.models import AuditEvent
from custos.victims import services
from custos.victims.models import ClockEscalation, InvestigationEvent, Obligation, ObligationStatus
from custos.victims.sweep import escalate_overdue_clocks
from tests.victims.helpers import add_victim, born_years_before, crime_in_a

pytestmark = pytest.mark.django_db

EVENTS = [
    "arrest",
    "interview",
    "release-without-charge",
    "bail",
    "rui",
    "bail-change",
    "charge",
    "out-of-court",
    "nfa",
    "decision-not-to-investigate",
]


@pytest.mark.parametrize("event", EVENTS)
def test_every_investigation_event_creates_a_victim_update_for_every_victim(force: Any, event: str) -> None:
    crime = crime_in_a(force, reported=date(2025, 11, 3))
    young = add_victim(
        force, crime, first_name="Young", date_of_birth=born_years_before(date(2025, 11, 3), 15)
    )
    adult = add_victim(force, crime, first_name="Adult", date_of_birth=date(1980, 5, 5))
    result = services.investigation_event_recorded(
        crime=crime, event=event, occurred_on=date(2025, 11, 7), actor=force.user("investigator", "A")
    )
    key = "decision-explained" if event in ("nfa", "decision-not-to-investigate") else "event-update"
    due = {o.link.victim_id: o.due_on for o in Obligation.objects.filter(event=result.event, key=key)}
    assert due == {young.pk: date(2025, 11, 10), adult.pk: date(2025, 11, 14)}  # Friday event: Mon / next Fri


def test_recording_the_same_event_twice_creates_nothing_new(force: Any) -> None:
    crime = crime_in_a(force)
    add_victim(force, crime)
    actor = force.user("investigator", "A")
    first = services.investigation_event_recorded(
        crime=crime, event="charge", occurred_on=date(2025, 12, 19), actor=actor
    )
    second = services.investigation_event_recorded(
        crime=crime, event="charge", occurred_on=date(2025, 12, 19), actor=actor
    )
    assert len(first.created) == 3  # the update, trial information and expenses
    assert second.created == []
    assert InvestigationEvent.objects.count() == 1


def test_a_system_call_without_an_actor_is_allowed_and_audited(force: Any) -> None:
    crime = crime_in_a(force)
    add_victim(force, crime)
    services.investigation_event_recorded(
        crime=crime, event="arrest", occurred_on=date(2025, 12, 1), actor=None
    )
    assert AuditEvent.objects.filter(action="custos.victim_event.recorded", actor=None).exists()


def test_unknown_events_and_future_dates_are_refused(force: Any) -> None:
    crime = crime_in_a(force)
    actor = force.user("investigator", "A")
    with pytest.raises(ValidationError):
        services.investigation_event_recorded(
            crime=crime, event="report", occurred_on=date(2025, 1, 1), actor=actor
        )
    with pytest.raises(ValidationError):
        services.investigation_event_recorded(
            crime=crime, event="arrest", occurred_on=date.today() + timedelta(days=2), actor=actor
        )


def test_an_outsider_cannot_record_an_event(force: Any) -> None:
    crime = crime_in_a(force)
    with pytest.raises(PermissionError):
        services.investigation_event_recorded(
            crime=crime, event="arrest", occurred_on=date(2025, 12, 1), actor=force.user("investigator", "B")
        )


def test_overdue_clocks_escalate_to_the_officer_and_supervisor_once(force: Any) -> None:
    crime = crime_in_a(force, reported=date(2025, 11, 3))
    add_victim(force, crime)
    services.investigation_event_recorded(
        crime=crime, event="arrest", occurred_on=date(2025, 11, 4), actor=force.user("investigator", "A")
    )
    today = date(2025, 11, 20)
    first = escalate_overdue_clocks(today)
    escalations = ClockEscalation.objects.select_related("obligation")
    assert first.created["victim_clock_escalations"] == escalations.count() > 0
    arrest = escalations.get(obligation__key="event-update")
    assert arrest.officer == force.people["investigator@A"]
    assert arrest.supervisor == force.people["investigation-supervisor@A"]
    assert arrest.obligation.status == ObligationStatus.OVERDUE
    second = escalate_overdue_clocks(today)
    assert second.created["victim_clock_escalations"] == 0
    assert ClockEscalation.objects.count() == escalations.count()


def test_meeting_an_escalated_clock_resolves_the_escalation(force: Any) -> None:
    crime = crime_in_a(force, reported=date(2025, 11, 3))
    add_victim(force, crime)
    services.investigation_event_recorded(
        crime=crime, event="arrest", occurred_on=date(2025, 11, 4), actor=force.user("investigator", "A")
    )
    escalate_overdue_clocks(date(2025, 11, 20))
    ob = Obligation.objects.get(key="event-update")
    services.obligation_update(
        actor=force.user("victim-care-officer", "A"),
        obligation=ob,
        status="met",
        evidence="Phoned the victim",
        on=date(2025, 11, 21),
    )
    ob.refresh_from_db()
    assert ob.met_on_time is False
    assert ClockEscalation.objects.get(obligation=ob).resolved_on == date(2025, 11, 21)


def test_the_worklist_runs_in_constant_queries(
    force: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(6):
        crime = crime_in_a(force, reported=date(2025, 11, 3))
        add_victim(force, crime, first_name=f"V{i}")
        services.investigation_event_recorded(
            crime=crime, event="charge", occurred_on=date(2025, 11, 5), actor=force.user("investigator", "A")
        )
    client = client_for(force.user("victim-care-officer", "A"))
    with django_assert_max_num_queries(25):
        response = client.get("/victims/worklist/?status=overdue&sort=crime")
    assert response.status_code == 200
    assert response.content.count(b'data-clock="event-update"') == 6
    with django_assert_max_num_queries(25):
        csv = client.get("/victims/worklist/?format=csv")
    assert csv.status_code == 200 and csv["Content-Type"] == "text/csv"
    assert len(csv.content.decode().strip().splitlines()) > 6


def test_the_worklist_shows_only_victims_in_need_to_know(force: Any, client_for: Any) -> None:
    crime = crime_in_a(force)
    add_victim(force, crime, first_name="Hidden")
    outsider = client_for(force.user("victim-care-officer", "B"))
    assert b"Hidden" not in outsider.get("/victims/worklist/").content
    insider = client_for(force.user("victim-care-officer", "A"))
    assert b"Hidden" in insider.get("/victims/worklist/").content


def test_the_sweep_escalates_in_batches_once_each_with_an_audit_event(
    force: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from custos.victims import clocks

    monkeypatch.setattr(clocks, "ESCALATION_BATCH", 2)  # several batches from a handful of obligations
    for i in range(3):
        crime = crime_in_a(force, reported=date(2025, 11, 3))
        add_victim(force, crime, first_name=f"V{i}")
        services.investigation_event_recorded(
            crime=crime, event="arrest", occurred_on=date(2025, 11, 4), actor=force.user("investigator", "A")
        )
    today = date(2025, 11, 20)
    overdue = Obligation.objects.filter(status__in=("due", "overdue"), due_on__lt=today)
    expected = set(overdue.values_list("pk", flat=True))
    assert len(expected) > 2

    first = escalate_overdue_clocks(today)
    assert (first.checked, first.created["victim_clock_escalations"]) == (len(expected), len(expected))
    assert set(ClockEscalation.objects.values_list("obligation_id", flat=True)) == expected
    assert set(Obligation.objects.filter(pk__in=expected).values_list("status", flat=True)) == {"overdue"}
    events = AuditEvent.objects.filter(action="custos.victim_obligation.escalated")
    assert sorted(int(e.object_id) for e in events) == sorted(expected)
    assert all(e.actor is None and e.changes["due_on"] and e.changes["crime"] for e in events)

    again = escalate_overdue_clocks(today)  # still overdue: counted, never escalated twice
    assert (again.checked, again.created["victim_clock_escalations"]) == (len(expected), 0)
    assert events.count() == len(expected)
