"""The lead offender manager picker offers only the people the service accepts as lead (reference R5): ViSOR
authorised with current training. Someone posted anyway is still refused, in the service's own words."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from custos.offenders import services
from custos.offenders.models import Offender
from tests.offenders.factories import make_offender


def _options(page: str, name: str) -> str:
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert found, f"no {name} select on the page"
    return found.group(1)


def _lapsed(force: Any, expires: date | None) -> Any:
    """The offender manager's teammate, ViSOR authorised but with training that ``expires``."""
    teammate = force.people["teammate@A"]
    teammate.visor_authorised = True
    teammate.visor_training_expires = expires
    teammate.save()
    return teammate


@pytest.mark.parametrize("expires_in_days", [-1, None])
def test_the_management_page_does_not_offer_a_lead_whose_visor_training_has_lapsed(
    force: Any, client_for: Any, expires_in_days: int | None
) -> None:
    today = timezone.localdate()
    teammate = _lapsed(force, None if expires_in_days is None else today + timedelta(days=expires_in_days))
    o = make_offender(force)
    page = client_for(force.user("mosovo-supervisor")).get(f"/offenders/{o.pk}/management/").content.decode()
    leads = _options(page, "lead_manager")
    assert teammate.last_name not in leads
    assert force.people["offender-manager@A"].last_name in leads


def test_the_add_an_offender_page_does_not_offer_a_lead_whose_visor_training_has_expired(
    force: Any, client_for: Any
) -> None:
    teammate = _lapsed(force, timezone.localdate() - timedelta(days=1))
    page = client_for(force.user("mosovo-supervisor")).get("/offenders/new/").content.decode()
    leads = _options(page, "lead_manager")
    assert teammate.last_name not in leads
    assert force.people["offender-manager@A"].last_name in leads


def test_training_expiring_today_is_still_offered_and_accepted(force: Any, client_for: Any) -> None:
    teammate = _lapsed(force, timezone.localdate())
    o = make_offender(force)
    page = client_for(force.user("mosovo-supervisor")).get(f"/offenders/{o.pk}/management/").content.decode()
    assert teammate.last_name in _options(page, "lead_manager")


def test_a_lapsed_lead_posted_directly_is_refused_with_the_services_reason(
    force: Any, client_for: Any
) -> None:
    teammate = _lapsed(force, timezone.localdate() - timedelta(days=3))
    o = make_offender(force)
    body = {
        "version": o.version,
        "mappa_category": 1,
        "mappa_level": 1,
        "management_mode": "active",
        "rosh_level": "high",
        "rosh_reason": "Contact offences",
        "lead_manager": teammate.pk,
        "whereabouts_verified": "on",
    }
    response = client_for(force.user("mosovo-supervisor")).post(f"/offenders/{o.pk}/management/", body)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["lead_manager"])
    assert "cannot be the lead offender manager" in errors and "expired on" in errors
    assert Offender.objects.get(pk=o.pk).lead_manager_id == force.people["offender-manager@A"].pk


def test_the_management_page_says_why_the_current_lead_is_no_longer_offered(
    force: Any, client_for: Any
) -> None:
    teammate = _lapsed(force, timezone.localdate() - timedelta(days=2))
    o = make_offender(force, lead_manager=teammate)
    page = client_for(force.user("mosovo-supervisor")).get(f"/offenders/{o.pk}/management/").content.decode()
    assert f"{teammate.first_name} {teammate.last_name} cannot be the lead offender manager" in page


def test_the_lead_suggestions_offer_only_people_the_service_accepts(force: Any, client_for: Any) -> None:
    teammate = _lapsed(force, timezone.localdate() - timedelta(days=1))
    o = make_offender(force)
    url = f"/workforce/people/suggestions/offenders.lead-manager/{o.pk}/"
    client = client_for(force.user("mosovo-supervisor"))
    assert teammate.last_name not in client.get(url, {"q": teammate.last_name[:4]}).content.decode()
    om = force.people["offender-manager@A"]
    assert om.last_name in client.get(url, {"q": om.last_name[:4]}).content.decode()


@pytest.mark.parametrize(
    ("authorised", "expires_in_days"),
    [(True, 30), (True, 0), (True, -1), (True, None), (False, 30), (False, None)],
)
def test_the_pickers_rule_and_the_services_refusal_agree(
    force: Any, authorised: bool, expires_in_days: int | None
) -> None:
    from custos.workforce.models import Person

    today = timezone.localdate()
    person = force.people["teammate@A"]
    person.visor_authorised = authorised
    person.visor_training_expires = None if expires_in_days is None else today + timedelta(expires_in_days)
    person.save()
    offered = Person.objects.filter(services.lead_manager_q(today), pk=person.pk).exists()
    errors, _ = services.lead_manager_problems(person, today=today)
    assert offered == (not errors)


def test_saving_with_a_lapsed_lead_asks_for_a_new_lead_instead_of_leaving_none(
    force: Any, client_for: Any
) -> None:
    teammate = _lapsed(force, timezone.localdate() - timedelta(days=2))
    o = make_offender(force, lead_manager=teammate)
    body = {
        "version": o.version,
        "mappa_category": 1,
        "mappa_level": 1,
        "management_mode": "active",
        "rosh_level": "high",
        "rosh_reason": "Contact offences",
        "lead_manager": "",
        "whereabouts_verified": "on",
    }
    response = client_for(force.user("mosovo-supervisor")).post(f"/offenders/{o.pk}/management/", body)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["lead_manager"])
    assert errors.startswith("Choose a new lead offender manager.") and "expired on" in errors
    assert Offender.objects.get(pk=o.pk).lead_manager_id == teammate.pk
