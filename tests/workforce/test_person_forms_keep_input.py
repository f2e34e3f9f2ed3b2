"""A refused absence or accreditation shows the person's page again with what was typed and why."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from custos.workforce import services

pytestmark = pytest.mark.django_db


def test_an_overlapping_absence_is_shown_again_with_what_was_typed(force: Any, client_for: Any) -> None:
    person = force.people["offender-manager@A"]
    admin = force.user("administrator")
    services.absence_add(
        actor=admin, person=person, kind="annual-leave", starts_on=date(2031, 2, 1), ends_on=date(2031, 2, 10)
    )
    page = client_for(admin).post(
        f"/workforce/people/{person.pk}/absences/",
        {"kind": "training", "starts_on": "2031-02-05", "ends_on": "2031-02-06", "note": "Course at Hendon"},
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Course at Hendon" in body and 'value="2031-02-05"' in body
    assert page.context["absence_form"].errors["starts_on"]
    assert "There is a problem" in body
    assert person.absences.count() == 1


def test_an_absence_ending_before_it_starts_says_so_beside_the_end_date(force: Any, client_for: Any) -> None:
    person = force.people["offender-manager@A"]
    page = client_for(force.user("administrator")).post(
        f"/workforce/people/{person.pk}/absences/",
        {"kind": "annual-leave", "starts_on": "2031-03-05", "ends_on": "2031-03-01", "note": ""},
    )
    assert page.status_code == 200
    assert page.context["absence_form"].errors["ends_on"] == [services.ABSENCE_ENDS_BEFORE_START]


def test_a_refused_accreditation_keeps_its_dates_and_says_why(force: Any, client_for: Any) -> None:
    person = force.people["offender-manager@A"]
    page = client_for(force.user("administrator")).post(
        f"/workforce/people/{person.pk}/accreditations/",
        {"specialism": "rasso", "accredited_on": "2024-05-01", "expires_on": "2023-05-01"},
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="2024-05-01"' in body and 'value="2023-05-01"' in body
    assert page.context["accreditation_form"].errors["expires_on"]
    assert not person.accreditations.exists()
