"""An allocation's explanation shown to a reader names only the linked crimes that reader may open: a
force-wide run keeps a series together across boroughs, and the crime's page in one borough must not give
away the reference of its partner in another."""

from __future__ import annotations

from typing import Any

import pytest

from custos.allocation.models import Allocation
from custos.allocation.services import allocation_run
from custos.crimes.models import Crime
from tests.crimes.factories import Unit, make_crime

HIDDEN = "UB/HIDDEN/1"


@pytest.fixture
def unit(make_person: Any, make_user: Any) -> Unit:
    return Unit(make_person, make_user)


@pytest.fixture
def across_boroughs(unit: Unit) -> Allocation:
    mine = unit.crime(reference="UA/SEEN/1")
    theirs = make_crime(borough=unit.other, reference=HIDDEN)
    Crime.objects.filter(pk__in=[mine.pk, theirs.pk]).update(series_id="SERIES-9")
    allocation_run(actor=unit.admin, borough=None)  # an administrator's force-wide run
    row = Allocation.objects.get(crime=mine, current=True)
    assert any(HIDDEN in r for r in row.explanation["reasons"])  # the engine kept them together
    return row


def test_the_investigation_page_never_names_a_linked_crime_the_reader_cannot_open(
    unit: Unit, across_boroughs: Allocation, client_for: Any
) -> None:
    page = client_for(unit.supervisor).get(f"/investigations/crimes/{across_boroughs.crime_id}/")

    assert page.status_code == 200
    assert b"UA/SEEN/1" in page.content
    assert HIDDEN.encode() not in page.content
    assert b"1 other linked crime" in page.content


def test_the_allocation_page_and_api_never_name_a_linked_crime_the_reader_cannot_open(
    unit: Unit, across_boroughs: Allocation, client_for: Any
) -> None:
    client = client_for(unit.supervisor)

    page = client.get(f"/allocation/{across_boroughs.pk}/")
    one = client.get(f"/api/v1/allocations/{across_boroughs.pk}")
    listed = client.get(f"/api/v1/allocations?crime_id={across_boroughs.crime_id}")

    for response in (page, one, listed):
        assert response.status_code == 200
        assert HIDDEN.encode() not in response.content
        assert b"1 other linked crime" in response.content


def test_an_administrator_who_may_open_both_still_sees_both_references(
    unit: Unit, across_boroughs: Allocation, client_for: Any
) -> None:
    client = client_for(unit.admin)

    page = client.get(f"/allocation/{across_boroughs.pk}/")
    one = client.get(f"/api/v1/allocations/{across_boroughs.pk}")

    assert HIDDEN.encode() in page.content
    assert HIDDEN in " ".join(one.json()["explanation"]["reasons"])
