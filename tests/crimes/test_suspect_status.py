"""A suspect's status after intake (not identified, identified, named): the service, the page on the crime
and the API's PATCH, with audit, history, optimistic concurrency, re-tiering and need-to-know."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from custos.core.models import AuditEvent
from custos.crimes.models import Crime, Suspect
from custos.crimes.services import (
    FINALISED_READ_ONLY,
    NOT_ALLOWED,
    OFFENDER_NEEDS_NAMED,
    SUSPECT_NAME_NEEDED,
    SuspectIn,
    suspect_add,
    suspect_update,
)
from tests.crimes.factories import Unit


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


def _with_suspect(unit: Unit, status: str = "not-identified", **crime: Any) -> tuple[Crime, Suspect]:
    c = unit.crime(suspects=((status, "Sam Smith" if status == "named" else "", ""),), **crime)
    return c, c.suspects.get()


# -- service ------------------------------------------------------------------------------------------------


def test_naming_a_suspect_is_saved_audited_and_kept_in_history(unit: Any) -> None:
    crime, suspect = _with_suspect(unit)

    suspect_update(
        actor=unit.investigator,
        suspect=suspect,
        data={"status": "named", "name": "  Sam Smith ", "offender_reference": "RSO/1234"},
        expected_version=1,
    )

    suspect.refresh_from_db()
    assert (suspect.status, suspect.name, suspect.offender_reference, suspect.version) == (
        "named",
        "Sam Smith",
        "RSO/1234",
        2,
    )
    event = AuditEvent.objects.get(action="custos.suspect.updated", object_id=str(suspect.pk))
    assert (
        event.changes["status"] == ["not-identified", "named"] and event.changes["crime"] == crime.reference
    )
    assert suspect.history.filter(status="named").exists()
    crime.refresh_from_db()
    assert crime.version == 2  # the crime's record (its suspects) changed too


def test_a_second_identified_suspect_re_tiers_the_crime(unit: Any) -> None:
    crime = unit.crime(offence="theft-other", suspects=(("identified", "", ""), ("not-identified", "", "")))
    assert crime.tier == "T1" and "two-or-more-suspects" not in " ".join(crime.tier_basis)
    second = crime.suspects.get(status="not-identified")

    suspect_update(actor=unit.investigator, suspect=second, data={"status": "identified"}, expected_version=1)

    crime.refresh_from_db()
    assert "two-or-more-suspects" in " ".join(crime.tier_basis), crime.tier_basis
    assert crime.tier == "T2" and crime.version == 2
    event = AuditEvent.objects.get(action="custos.crime.updated", object_id=str(crime.pk))
    assert event.changes["because"] == "suspects" and event.changes["tier"] == ["T1", "T2"]
    assert crime.history.count() >= 2


@pytest.mark.parametrize(
    ("added", "tier", "modifier"),
    [
        # One identified suspect already; a second identified or named one is the tiering modifier.
        ("identified", "T2", True),
        ("named", "T2", True),
        # A suspect not identified does not count, so the tier stays and the crime is not re-tiered.
        ("not-identified", "T1", False),
    ],
)
def test_adding_a_suspect_re_tiers_as_editing_one_does(
    unit: Any, added: str, tier: str, modifier: bool
) -> None:
    crime = unit.crime(offence="theft-other", suspects=(("identified", "", ""),))
    assert crime.tier == "T1"

    suspect_add(
        actor=unit.investigator,
        crime=crime,
        suspect=SuspectIn(status=added, name="Sam Smith" if added == "named" else ""),
    )

    crime.refresh_from_db()
    assert crime.tier == tier and crime.version == 2
    assert ("two-or-more-suspects" in " ".join(crime.tier_basis)) is modifier
    assert AuditEvent.objects.filter(action="custos.suspect.added", object_id__isnull=False).count() == 1
    tier_changes = AuditEvent.objects.filter(action="custos.crime.updated", object_id=str(crime.pk))
    assert [e.changes.get("tier") for e in tier_changes] == ([["T1", "T2"]] if modifier else [])


def test_a_finalised_crime_takes_no_new_suspect(unit: Any) -> None:
    crime = unit.crime()
    Crime.objects.filter(pk=crime.pk).update(status="finalised")
    crime.refresh_from_db()

    with pytest.raises(ValidationError) as err:
        suspect_add(actor=unit.investigator, crime=crime, suspect=SuspectIn(status="identified"))

    assert FINALISED_READ_ONLY in err.value.messages
    assert not crime.suspects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "named"}, SUSPECT_NAME_NEEDED),
        ({"status": "identified", "offender_reference": "RSO/1"}, OFFENDER_NEEDS_NAMED),
        ({"status": "caught"}, "suspect status must be one of not-identified, identified, named"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_changes(
    unit: Any, data: dict[str, Any], message: str
) -> None:
    crime, suspect = _with_suspect(unit)

    with pytest.raises(ValidationError) as err:
        suspect_update(actor=unit.investigator, suspect=suspect, data=data, expected_version=1)

    assert message in err.value.messages
    suspect.refresh_from_db()
    crime.refresh_from_db()
    assert (suspect.status, suspect.version, crime.version) == ("not-identified", 1, 1)
    assert not AuditEvent.objects.filter(action="custos.suspect.updated").exists()


def test_a_stale_version_is_refused(unit: Any) -> None:
    _, suspect = _with_suspect(unit)
    suspect_update(
        actor=unit.investigator, suspect=suspect, data={"status": "identified"}, expected_version=1
    )

    with pytest.raises(ValidationError) as err:
        suspect_update(
            actor=unit.investigator, suspect=suspect, data={"status": "not-identified"}, expected_version=1
        )

    assert err.value.code == "stale" and "you had version 1, it is now 2" in err.value.messages[0]
    suspect.refresh_from_db()
    assert suspect.status == "identified"


def test_a_finalised_crime_s_suspects_are_read_only_and_outsiders_cannot_change_them(unit: Any) -> None:
    crime, suspect = _with_suspect(unit)
    Crime.objects.filter(pk=crime.pk).update(status="finalised")
    suspect.crime.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        suspect_update(
            actor=unit.investigator, suspect=suspect, data={"status": "identified"}, expected_version=1
        )
    assert FINALISED_READ_ONLY in err.value.messages

    other, theirs = _with_suspect(unit)
    Crime.objects.filter(pk=other.pk).update(borough=unit.other)
    theirs.crime.refresh_from_db()
    with pytest.raises(PermissionError, match=NOT_ALLOWED):
        suspect_update(
            actor=unit.investigator, suspect=theirs, data={"status": "identified"}, expected_version=1
        )


# -- page ---------------------------------------------------------------------------------------------------


def test_the_crime_page_links_each_suspect_to_its_status_page_and_the_page_saves(
    unit: Any, client_for: Any
) -> None:
    crime, suspect = _with_suspect(unit)
    client = client_for(unit.investigator)
    url = f"/crimes/{crime.pk}/suspects/{suspect.pk}/edit/"
    assert url in client.get(f"/crimes/{crime.pk}/").content.decode()
    assert 'name="version"' in client.get(url).content.decode()

    response = client.post(url, {"version": 1, "status": "named", "name": "Sam Smith"})

    assert response.status_code == 302 and response["Location"] == f"/crimes/{crime.pk}/"
    suspect.refresh_from_db()
    assert (suspect.status, suspect.name) == ("named", "Sam Smith")


def test_the_page_shows_a_bad_status_change_against_the_form_and_a_stale_one_as_a_warning(
    unit: Any, client_for: Any
) -> None:
    crime, suspect = _with_suspect(unit)
    client = client_for(unit.investigator)
    url = f"/crimes/{crime.pk}/suspects/{suspect.pk}/edit/"

    bad = client.post(url, {"version": 1, "status": "named", "name": ""})
    assert bad.status_code == 200 and SUSPECT_NAME_NEEDED in bad.content.decode()

    Suspect.objects.filter(pk=suspect.pk).update(version=5)
    stale = client.post(url, {"version": 1, "status": "identified"})
    body = stale.content.decode()
    assert stale.status_code == 200 and 'data-testid="stale"' in body and "Someone else changed" in body
    suspect.refresh_from_db()
    assert suspect.status == "not-identified"


def test_an_outsider_and_a_suspect_of_another_crime_get_404(
    unit: Any, client_for: Any, make_user: Any
) -> None:
    crime, suspect = _with_suspect(unit)
    _, theirs = _with_suspect(unit)
    client = client_for(unit.investigator)
    assert client.get(f"/crimes/{crime.pk}/suspects/{theirs.pk}/edit/").status_code == 404
    assert client.get(f"/crimes/{crime.pk}/suspects/999999/edit/").status_code == 404

    Crime.objects.filter(pk=crime.pk).update(borough=unit.other, team=None)
    assert client.get(f"/crimes/{crime.pk}/suspects/{suspect.pk}/edit/").status_code == 404
    response = client.patch(
        f"/api/v1/crimes/{crime.pk}/suspects/{suspect.pk}",
        data=json.dumps({"version": 1, "status": "identified"}),
        content_type="application/json",
    )
    assert response.status_code == 404


# -- API ----------------------------------------------------------------------------------------------------


def test_the_api_patch_changes_the_status_with_if_match_and_returns_the_new_etag(
    unit: Any, client_for: Any
) -> None:
    crime, suspect = _with_suspect(unit)
    client = client_for(unit.investigator)
    url = f"/api/v1/crimes/{crime.pk}/suspects/{suspect.pk}"
    listed = client.get(f"/api/v1/crimes/{crime.pk}").json()["suspects"]
    assert listed == [{**listed[0], "status": "not-identified", "version": 1}]

    response = client.patch(
        url,
        data=json.dumps({"status": "named", "name": "Sam Smith"}),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )

    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert response.json()["status"] == "named" and response.json()["version"] == 2

    stale = client.patch(
        url, data=json.dumps({"version": 1, "status": "identified"}), content_type="application/json"
    )
    assert stale.status_code == 412
    assert "Someone else changed this suspect" in stale.content.decode()


def test_the_api_refuses_bad_input_with_a_clear_problem_and_needs_a_version(
    unit: Any, client_for: Any
) -> None:
    crime, suspect = _with_suspect(unit)
    client = client_for(unit.investigator)
    url = f"/api/v1/crimes/{crime.pk}/suspects/{suspect.pk}"

    bad = client.patch(
        url, data=json.dumps({"version": 1, "status": "named"}), content_type="application/json"
    )
    assert bad.status_code == 422 and SUSPECT_NAME_NEEDED in bad.content.decode()
    unknown = client.patch(
        url, data=json.dumps({"version": 1, "status": "caught"}), content_type="application/json"
    )
    assert unknown.status_code == 422 and "suspect status must be one of" in unknown.content.decode()
    no_version = client.patch(url, data=json.dumps({"status": "identified"}), content_type="application/json")
    assert no_version.status_code == 428
    suspect.refresh_from_db()
    assert (suspect.status, suspect.version) == ("not-identified", 1)


def test_a_suspect_on_the_offender_register_links_to_the_record_for_those_who_may_open_it(
    force: Any, client_for: Any
) -> None:
    from tests.crimes.factories import make_crime
    from tests.offenders.factories import make_offender

    managed_here = make_offender(force, "A")
    elsewhere = make_offender(force, "B")
    crime = make_crime(
        borough=force.boroughs["A"],
        suspects=(
            ("named", "John Smith", managed_here.reference),
            ("named", "Jim Smith", elsewhere.reference),
            ("named", "Joe Smith", "NOT-ON-REGISTER"),
        ),
    )

    di = client_for(force.user("detective-inspector")).get(f"/crimes/{crime.pk}/").content.decode()
    investigator = client_for(force.user("investigator")).get(f"/crimes/{crime.pk}/").content.decode()

    links = re.findall(r'href="([^"]+)" data-testid="suspect-offender"', di)
    assert links == [f"/offenders/{managed_here.pk}/"]
    assert client_for(force.user("detective-inspector")).get(links[0]).status_code == 200
    assert f"Offender register {elsewhere.reference}" in di and "Offender register NOT-ON-REGISTER" in di
    assert 'data-testid="suspect-offender"' not in investigator  # investigators open no offender records
    assert f"Offender register {managed_here.reference}" in investigator
