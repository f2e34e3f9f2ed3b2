"""A NUL character in API input is a 422 on that field, as Django forms refuse it, never a database error.

PostgreSQL text cannot hold NUL (0x00): before, a search such as `?q=a%00b` reached the query and the database
refused it with a 500 (found by tests/core/test_api_schema_fuzz.py on PostgreSQL).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from custos.api import NULL_CHARACTERS


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/offenders/nominals?q=a%00b", "q"),
        ("/api/v1/offenders/nominals?level=%00", "level"),
        ("/api/v1/victims?crime=%00", "crime"),
        ("/api/v1/victims?q=%3C%00", "q"),
    ],
)
def test_a_search_holding_a_null_character_is_refused_on_that_field(
    path: str, field: str, force: Any, client_for: Any
) -> None:
    response = client_for(force.user("detective-inspector")).get(path)

    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {field: [NULL_CHARACTERS]}


def test_a_body_holding_a_null_character_is_refused_on_that_field_and_changes_nothing(
    force: Any, client_for: Any
) -> None:
    person = force.people["offender-manager@A"]
    client = client_for(force.user("administrator"))

    response = client.patch(
        f"/api/v1/workforce/people/{person.pk}",
        data=json.dumps({"version": person.version, "job_role": "Offender\x00manager"}),
        content_type="application/json",
    )

    assert response.status_code == 422, response.content[:300]
    assert response.json()["errors"] == {"job_role": [NULL_CHARACTERS]}
    person.refresh_from_db()
    assert "\x00" not in person.job_role


def test_a_null_character_nested_in_a_body_is_named_by_its_path(force: Any, client_for: Any) -> None:
    person = force.people["offender-manager@A"]
    client = client_for(force.user("administrator"))

    response = client.patch(
        f"/api/v1/workforce/people/{person.pk}",
        data=json.dumps({"version": person.version, "notes": [{"text": "a\x00"}]}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"notes.0.text": [NULL_CHARACTERS]}
