"""Victim pages end to end through the test client: record, checklist, events, withdrawal, panels."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from custos.victims.models import ClockEscalation, Victim, VictimCrime
from custos.victims.sweep import escalate_overdue_clocks
from tests.victims.helpers import add_victim, crime_in_a

pytestmark = pytest.mark.django_db


def test_record_a_victim_and_see_the_checklist_with_reasons(force: Any, client_for: Any) -> None:
    crime = crime_in_a(force, offence="burglary-business")
    client = client_for(force.user("investigator", "A"))
    response = client.post(
        f"/victims/crimes/{crime.pk}/add/",
        {
            "kind": "business",
            "business_name": "Corner Shop Ltd",
            "contact_method": "email",
            "language": "English",
        },
    )
    assert response.status_code == 302
    victim = Victim.objects.get(business_name="Corner Shop Ltd")
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert "No Victims' Code services" in page and "named contact" in page


def test_the_checklist_lists_all_twelve_rights_and_withdrawal_needs_a_reason(
    force: Any, client_for: Any
) -> None:
    victim = add_victim(force, crime_in_a(force))
    client = client_for(force.user("victim-care-officer", "A"))
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert all(f"Right {n}:" in page for n in range(1, 13))
    link = VictimCrime.objects.get(victim=victim)
    response = client.post(f"/victims/links/{link.pk}/withdraw/", {"reason": ""}, follow=True)
    assert "reason for withdrawing support" in response.content.decode()
    link.refresh_from_db()
    assert link.support_withdrawn_on is None


def test_recording_an_event_on_the_crime_page_and_the_escalation_home_panel(
    force: Any, client_for: Any
) -> None:
    crime = crime_in_a(force, reported=date(2025, 11, 3))
    add_victim(force, crime, first_name="Robin")
    client = client_for(force.user("investigator", "A"))
    response = client.post(
        f"/victims/crimes/{crime.pk}/events/", {"event": "arrest", "occurred_on": "2025-11-04"}
    )
    assert response.status_code == 302
    escalate_overdue_clocks(date.today())
    assert ClockEscalation.objects.filter(supervisor=force.people["investigation-supervisor@A"]).exists()
    home = client_for(force.user("investigation-supervisor", "A")).get("/").content.decode()
    assert "Victim updates overdue" in home


def test_a_business_without_a_named_contact_shows_no_checklist_and_says_why(
    force: Any, client_for: Any
) -> None:
    crime = crime_in_a(force, offence="burglary-business")
    client = client_for(force.user("investigator", "A"))
    client.post(
        f"/victims/crimes/{crime.pk}/add/",
        {"kind": "business", "business_name": "Kiosk Ltd", "contact_method": "phone", "language": "English"},
    )
    victim = Victim.objects.get(business_name="Kiosk Ltd")
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert 'data-testid="no-services"' in page and "Record the named contact" in page
    # No rights checklist promising obligations that "start at the report": there are none for this victim.
    assert 'data-testid="checklist"' not in page and "Record a review request" not in page


def test_the_checklist_records_the_day_an_obligation_was_actually_met(force: Any, client_for: Any) -> None:
    from custos.victims.models import Obligation

    crime = crime_in_a(force, reported=date.today() - timedelta(days=10))
    victim = add_victim(force, crime)
    ob = Obligation.objects.get(link__victim=victim, key="support-referral")
    client = client_for(force.user("victim-care-officer", "A"))
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert 'aria-label="Date it was done: Referral to victim support services' in page
    client.post(
        f"/victims/obligations/{ob.pk}/",
        {"status": "met", "evidence": "Referred to Victim Support", "on": ob.due_on.isoformat()},
    )
    ob.refresh_from_db()
    assert ob.status == "met" and ob.met_on == ob.due_on and ob.met_on_time is True


def test_the_not_yet_recognised_panel_leads_to_exactly_those_victims(force: Any, client_for: Any) -> None:
    inherited = add_victim(force, crime_in_a(force), first_name="Inherited", date_of_birth=date(2012, 1, 1))
    recognised = add_victim(force, crime_in_a(force), first_name="Assessed", date_of_birth=date(2012, 1, 1))
    VictimCrime.objects.filter(victim=inherited).update(recognised_enhanced=False, inherited=True)
    assert VictimCrime.objects.get(victim=recognised).recognised_enhanced
    client = client_for(force.user("victim-care-officer", "A"))
    home = client.get("/").content.decode()
    assert 'href="/victims/?recognised=no"' in home
    # "N due today" opens the clocks not yet overdue, soonest first, not the list that starts overdue.
    assert 'href="/victims/worklist/?status=due"' in home
    listed = client.get("/victims/?recognised=no")
    names = [v.first_name for v in listed.context["page"]]
    assert "Inherited" in names and "Assessed" not in names
    assert "not yet recognised" in listed.content.decode()
    api = client.get("/api/v1/victims?recognised=false").json()["items"]
    assert inherited.pk in [v["id"] for v in api] and recognised.pk not in [v["id"] for v in api]


def test_events_are_named_in_words_on_the_crime_page_and_the_checklist(force: Any, client_for: Any) -> None:
    crime = crime_in_a(force, reported=date.today() - timedelta(days=5))
    victim = add_victim(force, crime)
    client = client_for(force.user("investigator", "A"))
    client.post(
        f"/victims/crimes/{crime.pk}/events/",
        {"event": "rui", "occurred_on": (date.today() - timedelta(days=1)).isoformat()},
    )
    events = client.get(f"/victims/crimes/{crime.pk}/").content.decode()
    assert "Suspect released under investigation" in events and ": rui" not in events
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert "(Suspect released under investigation:" in page and "(rui on" not in page


def test_a_victim_with_no_assessment_says_so(force: Any, client_for: Any) -> None:
    from custos.victims.models import NeedsAssessment

    victim = add_victim(force, crime_in_a(force))
    NeedsAssessment.objects.filter(victim=victim).delete()  # as for records inherited from before Custos
    page = client_for(force.user("victim-care-officer", "A")).get(f"/victims/{victim.pk}/").content.decode()
    assert "No needs assessment recorded in Custos yet" in page
