"""PATCH /api/v1/crimes/{id} with null for a fact the crime record cannot hold empty is a 422 on that
field and changes nothing; before, the null reached the database and the API answered 500 (an IntegrityError).
A date the record may leave empty can still be cleared with null."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custos.api import CANNOT_BE_NULL
from custos.crimes.models import Crime
from tests.crimes.routes import _crime

REQUIRED_FACTS = [
    "offence_key",
    "location",
    "summary",
    "vulnerable_victim",
    "domestic_abuse",
    "hate",
    "child_victim",
    "weapon",
    "serious_injury",
    "commercial_victim",
    "high_risk",
    "threat_to_life",
    "expected_lines_of_enquiry",
    "solvability_factors",
    "series_id",
]


def _patch(force: Any, client_for: Any, body: dict[str, Any]) -> Any:
    crime = Crime.objects.get(pk=_crime(force).pk)
    return client_for(force.user("detective-inspector", "A")).patch(
        f"/api/v1/crimes/{crime.pk}",
        data=json.dumps({**body, "version": crime.version}),
        content_type="application/json",
    )


@pytest.mark.parametrize("field", REQUIRED_FACTS)
def test_null_for_a_fact_the_crime_needs_is_a_422_on_that_field(
    force: Any, client_for: Any, field: str
) -> None:
    before = Crime.objects.get(pk=_crime(force).pk).version

    response = _patch(force, client_for, {field: None})

    assert response.status_code == 422, response.content
    assert response.json()["errors"][field] == [CANNOT_BE_NULL]
    assert Crime.objects.get(pk=_crime(force).pk).version == before


def test_the_required_facts_are_exactly_the_patchable_columns_that_cannot_be_null() -> None:
    from custos.api import api

    patchable = api.get_openapi_schema()["components"]["schemas"]["CrimePatch"]["properties"]
    columns = {f.name: f for f in Crime._meta.get_fields() if hasattr(f, "null")}
    facts = [n for n in patchable if n != "version"]  # the concurrency token, not a fact
    assert sorted(REQUIRED_FACTS) == sorted(n for n in facts if n in columns and not columns[n].null)


def test_a_date_the_crime_may_leave_empty_is_cleared_with_null(force: Any, client_for: Any) -> None:
    response = _patch(force, client_for, {"occurred_on": None})

    assert response.status_code == 200, response.content
    assert Crime.objects.get(pk=_crime(force).pk).occurred_on is None
