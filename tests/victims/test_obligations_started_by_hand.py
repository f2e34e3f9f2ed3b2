"""Obligations whose trigger no investigation event records (the VPS offer after the witness statement, the
case outcome, property, the Victim Contact Scheme) are started by hand and then met like any other."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from custos.core.models import AuditEvent
from custos.victims import services
from custos.victims.clocks import ALREADY_STARTED, NO_CODE_SERVICES
from custos.victims.models import Obligation, VictimCrime
from tests.victims.helpers import add_victim, crime_in_a

pytestmark = pytest.mark.django_db


def _link(victim: Any) -> VictimCrime:
    return VictimCrime.objects.select_related("crime", "victim").get(victim=victim)


def test_the_vps_offer_starts_at_the_witness_statement_and_can_then_be_met(force: Any) -> None:
    link = _link(add_victim(force, crime_in_a(force)))
    officer = force.user("investigator", "A")
    statement_on = date.today() - timedelta(days=2)
    ob = services.obligation_start(actor=officer, link=link, key="vps-offer", on=statement_on)
    assert (ob.right, ob.trigger, ob.trigger_on, ob.due_on) == (
        7,
        "witness-statement",
        statement_on,
        statement_on,
    )
    assert "Right 7" in ob.due_basis and ob.policy_version
    assert AuditEvent.objects.filter(action="custos.victim_obligation.started", object_id=str(ob.pk)).exists()
    services.obligation_update(
        actor=officer, obligation=ob, status="met", evidence="VPS offered with the statement", on=statement_on
    )
    ob.refresh_from_db()
    assert ob.status == "met" and ob.met_on_time is True
    with pytest.raises(ValidationError) as err:
        services.obligation_start(actor=officer, link=link, key="vps-offer")
    assert ALREADY_STARTED.format(title=ob.title, on=statement_on) in str(err.value)


@pytest.mark.parametrize("key", ["support-referral", "event-update", "regular-update"])
def test_obligations_the_system_starts_cannot_be_started_by_hand(force: Any, key: str) -> None:
    link = _link(add_victim(force, crime_in_a(force)))
    with pytest.raises(ValidationError) as err:
        services.obligation_start(actor=force.user("investigator", "A"), link=link, key=key)
    assert "cannot be started by hand" in str(err.value)


def test_a_business_without_a_named_contact_has_nothing_to_start(force: Any) -> None:
    victim = services.victim_create(
        actor=force.user("investigator", "A"),
        crime=crime_in_a(force, offence="burglary-business"),
        data={"kind": "business", "business_name": "Corner Shop Ltd", "contact_method": "phone"},
    )
    with pytest.raises(ValidationError) as err:
        services.obligation_start(actor=force.user("investigator", "A"), link=_link(victim), key="vps-offer")
    assert NO_CODE_SERVICES in str(err.value)
    assert not Obligation.objects.filter(link__victim=victim).exists()


def test_the_checklist_offers_to_start_the_vps_offer_and_the_page_then_tracks_it(
    force: Any, client_for: Any
) -> None:
    victim = add_victim(force, crime_in_a(force))
    link = _link(victim)
    client = client_for(force.user("victim-care-officer", "A"))
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert "Witness statement taken on" in page and "starts when the victim&#x27;s witness statement" in page
    response = client.post(
        f"/victims/links/{link.pk}/obligations/start/", {"key": "vps-offer", "on": "2999-01-01"}, follow=True
    )
    assert "cannot be in the future" in response.content.decode()
    assert not Obligation.objects.filter(link=link, key="vps-offer").exists()
    on = date.today().isoformat()
    response = client.post(
        f"/victims/links/{link.pk}/obligations/start/", {"key": "vps-offer", "on": on}, follow=True
    )
    assert response.status_code == 200
    ob = Obligation.objects.get(link=link, key="vps-offer")
    assert f'action="/victims/obligations/{ob.pk}/"' in response.content.decode()


def test_the_api_starts_an_obligation_and_refuses_one_the_system_starts(force: Any, client_for: Any) -> None:
    link = _link(add_victim(force, crime_in_a(force)))
    client = client_for(force.user("investigator", "A"))
    url = f"/api/v1/victims/links/{link.pk}/obligations"
    bad = client.post(url, data=json.dumps({"key": "support-referral"}), content_type="application/json")
    assert bad.status_code == 422 and "key" in bad.json()["errors"]
    ok = client.post(url, data=json.dumps({"key": "victim-contact-scheme"}), content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["right"] == 11 and ok.json()["trigger"] == "conviction" and ok.json()["due_on"] is None
