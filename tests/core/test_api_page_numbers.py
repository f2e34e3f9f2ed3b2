"""A page number past anything a list could hold is a clear 422 on the page field, not a database overflow."""

from __future__ import annotations

from typing import Any

import pytest

PAGINATED_LISTS = [
    "/api/v1/workforce/teams",
    "/api/v1/workforce/people",
    "/api/v1/offenders/nominals",
    "/api/v1/offenders/visits",
    "/api/v1/offenders/tasks",
    "/api/v1/crimes",
    "/api/v1/allocations/jobs",
    "/api/v1/allocations",
    "/api/v1/allocations/queue",
    "/api/v1/allocations/conflicts",
    "/api/v1/allocations/workload",
    "/api/v1/allocations/workload/supervisors",
    "/api/v1/victims",
    "/api/v1/victims/clocks",
    "/api/v1/triage/devices",
    "/api/v1/triage/queue",
]


@pytest.mark.parametrize("path", PAGINATED_LISTS)
def test_an_absurd_page_number_is_refused_with_a_field_error(path: str, force: Any, client_for: Any) -> None:
    client = client_for(force.user("detective-inspector"))

    response = client.get(path, {"page": "32589158477190044731"})

    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert "page" in body["errors"]


@pytest.mark.parametrize("path", ["/api/v1/crimes", "/api/v1/allocations/conflicts"])
def test_an_ordinary_page_past_the_end_is_still_an_empty_page(path: str, force: Any, client_for: Any) -> None:
    client = client_for(force.user("detective-inspector"))

    response = client.get(path, {"page": "1000"})

    assert response.status_code in (200, 403), response.content[:300]
    if response.status_code == 200:
        assert response.json()["items"] == []
