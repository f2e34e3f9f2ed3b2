"""A refused victims form comes back with what the user typed still in it and the reason shown beside it,
instead of a redirect that drops the input and leaves only a flashed message."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape
from typing import Any

import pytest

from custos.crimes.models import Crime, CrimeStatus
from custos.victims import services
from custos.victims.clocks import EVENT_IN_FUTURE, MET_IN_FUTURE, TRIGGER_IN_FUTURE
from custos.victims.models import NeedsAssessment, Obligation, RightToReview, VictimCrime
from custos.victims.reviews import NOTIFIED_IN_FUTURE
from custos.victims.rules.vrr import SAME_PERSON
from tests.victims.helpers import add_victim, crime_in_a

pytestmark = pytest.mark.django_db

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def _shows(page: str, *texts: str) -> None:
    for text in texts:
        assert escape(text) in page, text


def test_refused_evidence_for_a_right_is_kept_with_the_reason(force: Any, client_for: Any) -> None:
    victim = add_victim(force, crime_in_a(force, reported=date.today() - timedelta(days=3)))
    ob = Obligation.objects.get(link__victim=victim, key="support-referral")
    client = client_for(force.user("victim-care-officer", "A"))
    typed = "Referred to Victim Support by phone, ref VS-4471"
    response = client.post(
        f"/victims/obligations/{ob.pk}/", {"status": "declined", "evidence": typed, "on": TOMORROW}
    )
    assert response.status_code == 200
    page = response.content.decode()
    _shows(page, typed, MET_IN_FUTURE)
    assert f'value="{TOMORROW}"' in page
    assert '<option value="declined" selected>' in page
    ob.refresh_from_db()
    assert ob.is_open and ob.evidence == ""


def test_evidence_left_out_is_asked_for_and_the_chosen_status_kept(force: Any, client_for: Any) -> None:
    victim = add_victim(force, crime_in_a(force, reported=date.today() - timedelta(days=3)))
    ob = Obligation.objects.get(link__victim=victim, key="support-referral")
    client = client_for(force.user("victim-care-officer", "A"))
    response = client.post(f"/victims/obligations/{ob.pk}/", {"status": "not-applicable", "evidence": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<option value="not-applicable" selected>' in page


def test_a_refused_review_request_keeps_its_dates(force: Any, client_for: Any) -> None:
    victim = add_victim(force, crime_in_a(force, reported=date.today() - timedelta(days=40)))
    link = VictimCrime.objects.get(victim=victim)
    client = client_for(force.user("investigator", "A"))
    requested = (date.today() - timedelta(days=2)).isoformat()
    response = client.post(
        f"/victims/links/{link.pk}/review/",
        {"notified_on": TOMORROW, "requested_on": requested, "suspect_interviewed": "yes"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    _shows(page, NOTIFIED_IN_FUTURE)
    assert f'value="{TOMORROW}"' in page and f'value="{requested}"' in page
    assert '<option value="yes" selected>' in page
    assert not RightToReview.objects.filter(link=link).exists()


def test_a_refused_review_decision_keeps_the_reasons(force: Any, client_for: Any) -> None:
    crime = crime_in_a(force, offence="abh-s47", reported=date.today() - timedelta(days=40))
    victim = add_victim(force, crime)
    Crime.objects.filter(pk=crime.pk).update(status=CrimeStatus.FINALISED, outcome=15)
    link = VictimCrime.objects.select_related("crime").get(victim=victim)
    review = services.review_request(
        actor=force.user("investigator", "A"),
        link=link,
        notified_on=date.today() - timedelta(days=5),
        suspect_interviewed=True,
    )
    # The supervisor signed off the decision under review, so cannot review it.
    RightToReview.objects.filter(pk=review.pk).update(
        decision_maker=force.people["investigation-supervisor@A"]
    )
    typed = "CCTV on the high street was never requested; reinvestigate."
    response = client_for(force.user("investigation-supervisor", "A")).post(
        f"/victims/reviews/{review.pk}/decide/", {"outcome": "upheld", "reasons": typed}
    )
    assert response.status_code == 200
    page = response.content.decode()
    _shows(page, typed, SAME_PERSON)
    assert '<option value="upheld" selected>' in page
    review.refresh_from_db()
    assert review.status != "decided"


def test_a_refused_withdrawal_keeps_its_date(force: Any, client_for: Any) -> None:
    victim = add_victim(force, crime_in_a(force))
    link = VictimCrime.objects.get(victim=victim)
    on = (date.today() - timedelta(days=1)).isoformat()
    response = client_for(force.user("investigator", "A")).post(
        f"/victims/links/{link.pk}/withdraw/", {"reason": "", "on": on}
    )
    assert response.status_code == 200
    page = response.content.decode()
    _shows(page, services.WITHDRAWAL_REASON_REQUIRED)
    assert f'value="{on}"' in page


def test_a_refused_start_keeps_its_date(force: Any, client_for: Any) -> None:
    victim = add_victim(force, crime_in_a(force))
    link = VictimCrime.objects.get(victim=victim)
    response = client_for(force.user("investigator", "A")).post(
        f"/victims/links/{link.pk}/obligations/start/", {"key": "vps-offer", "on": TOMORROW}
    )
    assert response.status_code == 200
    page = response.content.decode()
    _shows(page, TRIGGER_IN_FUTURE)
    assert f'value="{TOMORROW}"' in page
    assert not Obligation.objects.filter(link=link, key="vps-offer").exists()


def test_a_crime_reference_not_found_is_kept_to_correct(force: Any, client_for: Any) -> None:
    victim = add_victim(force, crime_in_a(force))
    response = client_for(force.user("investigator", "A")).post(
        f"/victims/{victim.pk}/link/", {"reference": "01/NOPE/26"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="01/NOPE/26"' in page and "outside your need-to-know" in page


def test_an_over_long_assessment_reason_is_refused_not_replaced(force: Any, client_for: Any) -> None:
    victim = add_victim(force, crime_in_a(force))
    before = NeedsAssessment.objects.filter(victim=victim).count()
    typed = "Disclosed a learning disability at interview; " + "needs an intermediary. " * 10
    response = client_for(force.user("investigator", "A")).post(
        f"/victims/{victim.pk}/assess/", {"reason": typed}
    )
    assert response.status_code == 200
    page = response.content.decode()
    _shows(page, typed)
    assert "There is a problem" in page
    assert NeedsAssessment.objects.filter(victim=victim).count() == before


def test_a_refused_investigation_event_keeps_the_event_and_date(force: Any, client_for: Any) -> None:
    crime = crime_in_a(force)
    add_victim(force, crime)
    response = client_for(force.user("investigator", "A")).post(
        f"/victims/crimes/{crime.pk}/events/", {"event": "bail", "occurred_on": TOMORROW}
    )
    assert response.status_code == 200
    page = response.content.decode()
    _shows(page, EVENT_IN_FUTURE)
    assert f'value="{TOMORROW}"' in page and '<option value="bail" selected>' in page
