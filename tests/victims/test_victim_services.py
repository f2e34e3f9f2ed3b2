"""Victim records, the entitlement engine wired to them, worked examples 1, 4 and 5, and withdrawal."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from custos.core.models import AuditEvent
from custos.victims import services
from custos.victims.models import NeedsAssessment, Obligation, ObligationStatus, VictimCrime
from tests.victims.helpers import add_victim, born_years_before, crime_in_a

pytestmark = pytest.mark.django_db


def _link(victim: Any) -> VictimCrime:
    return VictimCrime.objects.get(victim=victim)


def _due(link: VictimCrime, key: str, trigger: str) -> date | None:
    return Obligation.objects.get(link=link, key=key, trigger=trigger).due_on


# Worked example 1: a 16-year-old victim of a domestic burglary is enhanced (vulnerable: under 18) and an
# update after an investigation event is due within 1 working day. Worked example 4: a charge on Friday
# 19 December 2025 is due to an enhanced victim by Monday 22nd, a standard one by Tuesday 30th (Christmas and
# Boxing Day are bank holidays). Worked example 5: reported Tuesday 23 December 2025, the support referral is
# due by Monday 29th.
@pytest.mark.parametrize(
    ("age", "event_on", "event", "enhanced", "categories", "due"),
    [
        (16, date(2025, 12, 19), "charge", True, ["vulnerable"], date(2025, 12, 22)),  # examples 1 and 4
        (34, date(2025, 12, 19), "charge", False, [], date(2025, 12, 30)),  # example 4, standard victim
        (
            16,
            date(2026, 4, 2),
            "arrest",
            True,
            ["vulnerable"],
            date(2026, 4, 7),
        ),  # Easter: Good Friday, Monday
    ],
)
def test_worked_examples_enhanced_status_and_event_update_deadline(
    force: Any, age: int, event_on: date, event: str, enhanced: bool, categories: list[str], due: date
) -> None:
    crime = crime_in_a(force, offence="burglary-residential", reported=date(2025, 12, 1))
    victim = add_victim(
        force, crime, date_of_birth=born_years_before(date(2025, 12, 1), age) if age else None
    )
    link = _link(victim)
    assert link.enhanced is enhanced
    assert link.categories == categories
    assert link.policy_version
    services.investigation_event_recorded(
        crime=crime, event=event, occurred_on=event_on, actor=force.user("investigator", "A")
    )
    ob = Obligation.objects.get(link=link, key="event-update", trigger=event)
    assert ob.due_on == due
    assert "working day" in ob.due_basis and ob.policy_version


def test_worked_example_5_support_referral_due_two_working_days_over_christmas(force: Any) -> None:
    crime = crime_in_a(force, reported=date(2025, 12, 23))
    link = _link(add_victim(force, crime))
    assert _due(link, "support-referral", "report") == date(2025, 12, 29)


def test_every_report_obligation_is_opened_with_its_basis(force: Any) -> None:
    link = _link(add_victim(force, crime_in_a(force)))
    keys = set(Obligation.objects.filter(link=link).values_list("key", flat=True))
    assert {
        "written-acknowledgement",
        "support-referral",
        "compensation-information",
        "regular-update",
        "needs-assessment",
        "communication-needs",
        "complaints-information",
    } <= keys
    assert Obligation.objects.get(link=link, key="needs-assessment").status == ObligationStatus.MET
    assert all(o.due_basis for o in Obligation.objects.filter(link=link))


def test_a_business_without_a_named_contact_gets_no_code_services_and_the_reason_is_kept(force: Any) -> None:
    crime = crime_in_a(force, offence="burglary-business")
    victim = services.victim_create(
        actor=force.user("investigator", "A"),
        crime=crime,
        data={"kind": "business", "business_name": "Corner Shop Ltd"},
    )
    link = _link(victim)
    assert link.services is False
    assert "named contact" in link.reasons[0]
    assert not Obligation.objects.filter(link=link).exists()
    services.victim_update(
        actor=force.user("investigator", "A"),
        victim=victim,
        data={"named_contact": "Priya Patel"},
        expected_version=victim.version,
    )
    link.refresh_from_db()
    assert link.services is True
    assert Obligation.objects.filter(link=link, key="support-referral").exists()


def test_a_change_of_age_re_evaluates_and_audits_the_change(force: Any) -> None:
    crime = crime_in_a(force, reported=date(2025, 6, 1))
    victim = add_victim(force, crime, date_of_birth=date(1990, 1, 1))
    assert _link(victim).enhanced is False
    services.victim_update(
        actor=force.user("victim-care-officer", "A"),
        victim=victim,
        data={"date_of_birth": date(2009, 1, 1)},
        expected_version=victim.version,
    )
    link = _link(victim)
    assert link.enhanced is True and link.categories == ["vulnerable"] and link.age_at_crime == 16
    event = AuditEvent.objects.filter(
        action="custos.victim.entitlement_changed", object_id=str(victim.pk)
    ).get()
    assert event.changes["enhanced"] == [False, True]
    assert NeedsAssessment.objects.filter(victim=victim).count() == 2  # at reporting, then on the change


def test_a_third_crime_in_twelve_months_makes_the_victim_persistently_targeted(force: Any) -> None:
    actor = force.user("investigator", "A")
    first = crime_in_a(force, offence="theft-other", reported=date(2025, 3, 1))
    victim = add_victim(force, first)
    services.victim_link_crime(
        actor=actor, victim=victim, crime=crime_in_a(force, offence="theft-other", reported=date(2025, 6, 1))
    )
    assert not VictimCrime.objects.filter(victim=victim, enhanced=True).exists()
    third = crime_in_a(force, offence="criminal-damage-other", reported=date(2025, 9, 1))
    services.victim_link_crime(actor=actor, victim=victim, crime=third)
    link = VictimCrime.objects.get(victim=victim, crime=third)
    assert link.enhanced and "persistently-targeted" in link.categories


def test_a_flag_change_on_the_crime_re_evaluates_its_victims(force: Any) -> None:
    from custos.crimes.models import Crime

    crime = crime_in_a(force, offence="abh-s47")
    victim = add_victim(force, crime)
    assert _link(victim).enhanced is False
    Crime.objects.filter(pk=crime.pk).update(domestic_abuse=True)
    crime.refresh_from_db()
    changed = services.crime_facts_changed(crime=crime, actor=force.user("investigator", "A"))
    assert [lk.victim_id for lk in changed] == [victim.pk]
    assert "most-serious-crime" in _link(victim).categories
    assert AuditEvent.objects.filter(action="custos.victim.entitlement_changed").count() == 1


def test_a_parent_acts_only_for_a_victim_under_18(force: Any) -> None:
    crime = crime_in_a(force, reported=date(2025, 6, 1))
    with pytest.raises(ValidationError) as err:
        add_victim(
            force,
            crime,
            date_of_birth=date(1990, 1, 1),
            representative="parent-guardian",
            representative_name="Sam Smith",
        )
    assert services.PARENT_ONLY_UNDER_18 in str(err.value)
    victim = add_victim(
        force,
        crime,
        date_of_birth=date(2015, 1, 1),
        representative="parent-guardian",
        representative_name="Sam Smith",
    )
    assert victim.representative_name == "Sam Smith"


def test_withdrawal_of_support_needs_the_victims_reason(force: Any) -> None:
    link = _link(add_victim(force, crime_in_a(force)))
    with pytest.raises(ValidationError) as err:
        services.support_withdraw(actor=force.user("investigator", "A"), link=link, reason="  ")
    assert services.WITHDRAWAL_REASON_REQUIRED in str(err.value)
    services.support_withdraw(
        actor=force.user("investigator", "A"), link=link, reason="Reconciled with partner"
    )
    link.refresh_from_db()
    assert link.support_withdrawn_on is not None and link.withdrawal_reason == "Reconciled with partner"
    assert not Obligation.objects.filter(
        link=link, key="regular-update", status__in=("due", "overdue")
    ).exists()


def test_domestic_abuse_acknowledgement_must_go_by_the_safe_route(force: Any) -> None:
    crime = crime_in_a(force, offence="abh-s47", domestic_abuse=True)
    link = _link(add_victim(force, crime, safe_contact_route="Call the sister's mobile only"))
    ob = Obligation.objects.get(link=link, key="written-acknowledgement")
    with pytest.raises(ValidationError):
        services.obligation_update(
            actor=force.user("investigator", "A"), obligation=ob, status="met", evidence="Letter sent"
        )
    services.obligation_update(
        actor=force.user("investigator", "A"),
        obligation=ob,
        status="met",
        evidence="Letter with CRN and OIC contact, via sister",
        safe_route_confirmed=True,
    )
    ob.refresh_from_db()
    assert ob.status == "met" and ob.met_by == force.people["investigator@A"]


def test_meeting_an_update_restarts_the_regular_update_clock(force: Any) -> None:
    crime = crime_in_a(force, reported=date(2025, 12, 1))
    link = _link(add_victim(force, crime, update_frequency_days=14))
    first = Obligation.objects.get(link=link, key="regular-update")
    assert first.due_on == date(2025, 12, 15)
    services.obligation_update(
        actor=force.user("investigator", "A"),
        obligation=first,
        status="met",
        evidence="Phoned",
        on=date(2025, 12, 10),
    )
    nxt = Obligation.objects.get(link=link, key="regular-update", status="due")
    assert nxt.due_on == date(2025, 12, 24) and "14 days" in nxt.due_basis


def test_telling_the_victim_of_the_final_decision_closes_the_waiting_regular_update(force: Any) -> None:
    crime = crime_in_a(force, reported=date(2025, 12, 1))
    link = _link(add_victim(force, crime))
    waiting = Obligation.objects.get(link=link, key="regular-update")
    result = services.investigation_event_recorded(
        crime=crime, event="nfa", occurred_on=date(2025, 12, 10), actor=force.user("investigator", "A")
    )
    type(crime).objects.filter(pk=crime.pk).update(status="finalised", outcome=16)
    decision = Obligation.objects.get(pk=result.created[0].pk)
    services.obligation_update(
        actor=force.user("investigator", "A"),
        obligation=decision,
        status="met",
        evidence="Told by phone, with reasons and the review route",
        on=date(2025, 12, 11),
    )
    waiting.refresh_from_db()
    assert waiting.status == ObligationStatus.NOT_APPLICABLE
    assert "superseded by the update given on 2025-12-11" in waiting.evidence
    # The investigation is over: no further regular update is opened.
    assert not Obligation.objects.filter(
        link=link, key="regular-update", status__in=("due", "overdue")
    ).exists()


def test_an_escalation_is_resolved_when_a_corrected_age_gives_the_victim_more_time(force: Any) -> None:
    from datetime import timedelta

    from custos.core.workingdays import add_working_days
    from custos.victims.models import ClockEscalation

    today = date.today()
    event_on = today - timedelta(days=1)
    while add_working_days(event_on, 1) >= today:
        event_on -= timedelta(days=1)
    assert add_working_days(event_on, 5) >= today
    crime = crime_in_a(force, reported=event_on - timedelta(days=10))
    victim = add_victim(force, crime, date_of_birth=born_years_before(crime.occurred_on, 16))
    officer = force.user("investigator", "A")
    services.investigation_event_recorded(crime=crime, event="arrest", occurred_on=event_on, actor=officer)
    services.escalate_overdue(today)
    update = Obligation.objects.get(link__victim=victim, key="event-update")
    assert ClockEscalation.objects.filter(obligation=update, resolved_on__isnull=True).exists()
    victim.refresh_from_db()
    services.victim_update(
        actor=officer,
        victim=victim,
        data={"date_of_birth": date(1980, 1, 1)},
        expected_version=victim.version,
    )
    update.refresh_from_db()
    assert update.status == "due" and update.due_on == add_working_days(event_on, 5)
    assert not ClockEscalation.objects.filter(obligation=update, resolved_on__isnull=True).exists()
    # If the new date passes too, the nightly sweep escalates it again.
    services.escalate_overdue(update.due_on + timedelta(days=1))
    assert ClockEscalation.objects.filter(obligation=update, resolved_on__isnull=True).exists()
