"""The crime facts edit page: the same service as the API's PATCH (re-tiering, victims' entitlement),
optimistic concurrency by version, nothing half-written, and the crimes access rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custos.core.models import AuditEvent
from custos.crimes.forms import CrimeEditForm
from custos.crimes.models import Crime
from custos.crimes.services import FINALISED_READ_ONLY
from tests.crimes.factories import Unit, make_crime

THRIVE = {
    "thrive_threat": "Suspect knows the victim's address",
    "thrive_harm": "Bruising",
    "thrive_risk": "Medium",
    "thrive_investigation": "CCTV likely",
    "thrive_vulnerability": "Lives alone",
    "thrive_engagement": "Willing to support",
    "response_grade": "priority",
    "thrive_assessed_by": "PC 123",
}


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


def form_data(crime: Crime, **changes: Any) -> dict[str, Any]:
    """What the page would post back unchanged, with ``changes`` applied."""
    initial = CrimeEditForm.initial_for(crime)
    data: dict[str, Any] = {}
    for name, value in {**initial, **changes}.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        else:
            data[name] = value
    return data


def test_the_investigator_changes_the_offence_and_the_crime_is_re_tiered(unit: Any, client_for: Any) -> None:
    crime = unit.crime(offence="theft-other")
    assert crime.tier == "T1"
    client = client_for(unit.investigator)

    page = client.get(f"/crimes/{crime.pk}/edit/")
    assert page.status_code == 200 and 'name="version"' in page.content.decode()
    response = client.post(
        f"/crimes/{crime.pk}/edit/",
        form_data(crime, offence_key="robbery-personal", weapon=True, location="High Street", **THRIVE),
    )

    assert response.status_code == 302
    crime.refresh_from_db()
    assert (crime.offence_key, crime.location, crime.version) == ("robbery-personal", "High Street", 2)
    assert crime.tier == "T2" and crime.required_pip == 2 and crime.tier_basis and crime.policy_version
    assert crime.thrive_threat == THRIVE["thrive_threat"] and crime.response_grade == "priority"
    event = AuditEvent.objects.get(action="custos.crime.updated", object_id=str(crime.pk))
    assert event.changes["tier"] == ["T1", "T2"] and "thrive_threat" in event.changes
    assert crime.history.count() >= 2


def test_a_stale_form_is_refused_with_a_clear_error_and_nothing_is_written(
    unit: Any, client_for: Any
) -> None:
    crime = unit.crime()
    opened = form_data(crime, location="Stale Street")
    # Someone else saves first, through the API.
    api = client_for(unit.supervisor).patch(
        f"/api/v1/crimes/{crime.pk}",
        data=json.dumps({"version": crime.version, "location": "Fresh Road"}),
        content_type="application/json",
    )
    assert api.status_code == 200

    response = client_for(unit.investigator).post(f"/crimes/{crime.pk}/edit/", opened)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else changed this crime since you opened it" in body and 'data-testid="stale"' in body
    crime.refresh_from_db()
    assert crime.location == "Fresh Road" and crime.version == 2


def test_invalid_facts_are_shown_against_their_fields_and_nothing_is_written(
    unit: Any, client_for: Any
) -> None:
    crime = unit.crime()
    response = client_for(unit.investigator).post(
        f"/crimes/{crime.pk}/edit/",
        form_data(crime, offence_key="robbery-personal", thrive_threat="Only one element"),
    )

    assert response.status_code == 200
    assert "THRIVE harm must be recorded" in response.content.decode()
    crime.refresh_from_db()
    assert crime.offence_key == "theft-other" and crime.version == 1


def test_a_flag_change_re_evaluates_the_victims_entitlement_as_the_api_does(
    unit: Any, client_for: Any
) -> None:
    from custos.victims.models import Victim, VictimCrime

    crime = unit.crime(offence="common-assault")
    victim = Victim.objects.create(borough=unit.borough, first_name="Ada", last_name="Lovelace")
    link = VictimCrime.objects.create(victim=victim, crime=crime)
    assert not link.enhanced

    client_for(unit.investigator).post(f"/crimes/{crime.pk}/edit/", form_data(crime, domestic_abuse=True))

    link.refresh_from_db()
    assert link.enhanced and link.evaluated_at is not None and link.policy_version


@pytest.mark.parametrize("way", ["page", "api"])
def test_the_victims_entitlement_change_a_fact_edit_causes_is_audited_to_the_editor(
    unit: Any, client_for: Any, way: str
) -> None:
    from custos.victims.models import Victim, VictimCrime

    crime = unit.crime(offence="common-assault")
    victim = Victim.objects.create(borough=unit.borough, first_name="Ada", last_name="Lovelace")
    VictimCrime.objects.create(victim=victim, crime=crime)
    client = client_for(unit.investigator)

    if way == "page":
        client.post(f"/crimes/{crime.pk}/edit/", form_data(crime, domestic_abuse=True))
    else:
        client.patch(
            f"/api/v1/crimes/{crime.pk}",
            data=json.dumps({"version": crime.version, "domestic_abuse": True}),
            content_type="application/json",
        )

    event = AuditEvent.objects.get(action="custos.victim.entitlement_changed")
    assert event.actor == unit.investigator
    assert event.actor_username == unit.investigator.username


def test_a_finalised_crime_cannot_be_changed(unit: Any, client_for: Any) -> None:
    crime = unit.crime()
    Crime.objects.filter(pk=crime.pk).update(status="finalised")
    crime.refresh_from_db()
    client = client_for(unit.investigator)

    assert "finalised" in client.get(f"/crimes/{crime.pk}/edit/").content.decode()
    response = client.post(f"/crimes/{crime.pk}/edit/", form_data(crime, location="Elsewhere"))

    assert FINALISED_READ_ONLY in response.content.decode()
    assert Crime.objects.get(pk=crime.pk).location == crime.location


def test_the_holder_from_another_borough_may_edit_and_an_outsider_gets_404(
    unit: Any, client_for: Any, make_person: Any, make_user: Any
) -> None:
    held_elsewhere = make_crime(borough=unit.other, officer=unit.dc)
    not_held = make_crime(borough=unit.other)
    client = client_for(unit.investigator)

    assert client.get(f"/crimes/{held_elsewhere.pk}/edit/").status_code == 200
    assert client.get(f"/crimes/{not_held.pk}/edit/").status_code == 404
    outsider = make_user("other-dc", ["investigator"], make_person(borough=unit.other, pip_level=1))
    response = client_for(outsider).post(
        f"/crimes/{unit.crime().pk}/edit/", form_data(not_held, location="Nope")
    )
    assert response.status_code == 404


def test_the_api_patch_changes_only_the_thrive_elements_sent(unit: Any, client_for: Any) -> None:
    crime = unit.crime(
        thrive={k.removeprefix("thrive_"): v for k, v in THRIVE.items()} | {"repeat_victim": False}
    )
    response = client_for(unit.investigator).patch(
        f"/api/v1/crimes/{crime.pk}",
        data=json.dumps({"version": crime.version, "thrive": {"risk": "High"}}),
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    crime.refresh_from_db()
    assert crime.thrive_risk == "High" and crime.thrive_threat == THRIVE["thrive_threat"]


def test_the_crime_page_shows_every_thrive_element_the_assessor_and_the_repeat_victim_flag(
    unit: Any, client_for: Any
) -> None:
    crime = unit.crime(
        thrive={k.removeprefix("thrive_"): v for k, v in THRIVE.items()} | {"repeat_victim": True}
    )

    page = client_for(unit.investigator).get(f"/crimes/{crime.pk}/").content.decode()

    thrive = page[page.index('data-testid="thrive"') :].split("</dd>")[0]
    for field in (
        "thrive_threat",
        "thrive_harm",
        "thrive_risk",
        "thrive_vulnerability",
        "thrive_assessed_by",
    ):
        assert THRIVE[field].replace("'", "&#x27;") in thrive
    assert "investigation: CCTV likely" in thrive and "engagement: Willing to support" in thrive
    assert "repeat victim" in thrive and "not a repeat victim" not in thrive
