"""A refused investigation form (outcome, sign-off, line of enquiry, task, review) comes back with what the
user typed still in it and the reason shown, instead of a redirect that drops the input."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape
from typing import Any

import pytest

from custos.crimes.models import Crime, CrimeStatus, Suspect
from custos.investigations import services
from custos.investigations.models import InvestigationPlan, LineOfEnquiry, OutcomeDecision, Task
from custos.investigations.rules.finalisation import LINE_OPEN
from custos.investigations.services import LINE_STALE, TASK_DUE_IN_PAST, line_update, outcome_propose
from tests.crimes.factories import Unit


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


def _allocated(unit: Unit) -> Crime:
    crime = unit.crime(officer=unit.dc)
    services.plan_create(actor=None, crime=crime, owner=unit.dc, allocated_on=date.today())
    return crime


def _resolve_all(unit: Unit, crime: Crime) -> None:
    for line in InvestigationPlan.objects.get(crime=crime).lines.all():
        line_update(actor=unit.investigator, line=line, status="not-available", reason="Checked; none exists")


def _shows(page: str, *texts: str) -> None:
    for text in texts:
        assert escape(text) in page, text


def test_an_outcome_refused_for_open_lines_keeps_the_rationale_typed(unit: Unit, client_for: Any) -> None:
    crime = _allocated(unit)
    typed = "CCTV negative; no witnesses; victim does not support a prosecution"

    response = client_for(unit.investigator).post(
        f"/investigations/crimes/{crime.pk}/outcome/", {"outcome": "18", "rationale": typed}
    )

    assert response.status_code == 200
    page = response.content.decode()
    _shows(page, typed, LINE_OPEN.split("}")[-1])
    assert "There is a problem" in page
    assert '<option value="18" selected>' in page
    assert not OutcomeDecision.objects.filter(crime=crime).exists()


def test_an_outcome_invalid_for_the_suspect_status_keeps_the_rationale_typed(
    unit: Unit, client_for: Any
) -> None:
    crime = _allocated(unit)
    _resolve_all(unit, crime)
    typed = "Suspect charged after interview"

    response = client_for(unit.investigator).post(  # a charge, and nobody identified
        f"/investigations/crimes/{crime.pk}/outcome/", {"outcome": "1", "rationale": typed}
    )

    assert response.status_code == 200
    page = response.content.decode()
    _shows(page, typed)
    assert '<option value="1" selected>' in page
    assert Crime.objects.get(pk=crime.pk).status == CrimeStatus.OPEN


def test_a_refused_sign_off_keeps_the_supervisors_rationale(unit: Unit, client_for: Any) -> None:
    crime = _allocated(unit)
    _resolve_all(unit, crime)
    outcome_propose(actor=unit.investigator, crime=crime, outcome=18, rationale="No suspect")
    Suspect.objects.create(crime=crime, status="named", name="Sam Doe")  # named since: 18 no longer fits
    typed = "Reviewed the file; agree nothing further can be done"

    response = client_for(unit.supervisor).post(
        f"/investigations/crimes/{crime.pk}/sign-off/", {"rationale": typed}
    )

    assert response.status_code == 200
    _shows(response.content.decode(), typed)
    assert Crime.objects.get(pk=crime.pk).status == CrimeStatus.OPEN


def test_a_stale_line_of_enquiry_keeps_the_status_and_reason_typed(unit: Unit, client_for: Any) -> None:
    crime = _allocated(unit)
    line = LineOfEnquiry.objects.filter(plan__crime=crime).order_by("id").first()
    assert line is not None
    seen = line.version
    line_update(actor=unit.supervisor, line=line, status="pursued", reason="Someone else's change")
    typed = "House-to-house on Elm Street, no answer at 3 of 12"

    response = client_for(unit.investigator).post(
        f"/investigations/lines/{line.pk}/",
        {"status": "not-available", "reason": typed, "version": str(seen)},
    )

    assert response.status_code == 200
    page = response.content.decode()
    _shows(page, typed, LINE_STALE)
    assert '<option value="not-available" selected>' in page
    assert LineOfEnquiry.objects.get(pk=line.pk).reason == "Someone else's change"


def test_a_task_due_in_the_past_keeps_its_title_and_date(unit: Unit, client_for: Any) -> None:
    crime = _allocated(unit)
    yesterday = (date.today() - timedelta(days=1)).isoformat()

    response = client_for(unit.investigator).post(
        f"/investigations/crimes/{crime.pk}/tasks/", {"title": "Trace the black Ford", "due_on": yesterday}
    )

    assert response.status_code == 200
    page = response.content.decode()
    _shows(page, "Trace the black Ford", TASK_DUE_IN_PAST)
    assert f'value="{yesterday}"' in page
    assert not Task.objects.filter(crime=crime).exists()


def test_a_review_with_a_next_date_in_the_past_keeps_the_direction_typed(unit: Unit, client_for: Any) -> None:
    crime = _allocated(unit)
    typed = "Obtain the phone download before the next review"
    in_the_past = (date.today() - timedelta(days=2)).isoformat()

    response = client_for(unit.supervisor).post(
        f"/investigations/crimes/{crime.pk}/reviews/", {"direction": typed, "next_review_on": in_the_past}
    )

    assert response.status_code == 200
    page = response.content.decode()
    _shows(page, typed)
    assert f'value="{in_the_past}"' in page
    assert 'id="id_next_review_on-error"' in page
