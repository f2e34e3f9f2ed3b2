"""Every route × every role → the expected status, for own-borough personas, outsiders and anonymous users.

Routes come from `tests/<app>/routes.py`. A route that exists but is not declared fails
`test_every_route_is_in_the_matrix`, so nothing can be added without deciding who may use it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.conftest import ALL_ROLES, verify_client
from tests.core.routes_collect import all_route_cases, api_operations, case_url, page_url_names
from tests.routecases import RouteCase

CASES = all_route_cases()


def test_every_route_is_in_the_matrix() -> None:
    declared_pages = {c.name for c in CASES if not c.is_api}
    declared_api = {c.name.split(":", 1)[1] for c in CASES if c.is_api}
    missing_pages = sorted(page_url_names() - declared_pages)
    missing_api = sorted(set(api_operations()) - declared_api)
    assert not missing_pages, f"pages missing from tests/<app>/routes.py: {missing_pages}"
    assert not missing_api, f"API operations missing from tests/<app>/routes.py: {missing_api}"


def _request(client: Client, case: RouteCase, force: Any) -> Any:
    url = case_url(case, case.kwargs(force))
    method = getattr(client, case.method)
    if case.method == "get":
        return method(url)
    body = case.data(force) if case.data else {}
    if case.is_api:
        return method(url, data=json.dumps(body), content_type="application/json")
    return method(url, data=body)


@pytest.mark.parametrize("case", CASES, ids=[c.label() for c in CASES])
def test_anonymous(case: RouteCase, force: Any) -> None:
    expected = case.anonymous if case.anonymous is not None else (401 if case.is_api else 302)
    response = _request(Client(), case, force)
    assert response.status_code == expected, f"anonymous {case.label()}: {response.status_code}"


@pytest.mark.parametrize("case", CASES, ids=[c.label() for c in CASES])
def test_roles(case: RouteCase, force: Any) -> None:
    failures = []
    for role in ALL_ROLES:
        own = case.expect.get(role, case.default)
        for borough, expected in (
            ("A", own),
            ("B", own if case.outsider is None or role in case.outsider_exempt else case.outsider),
        ):
            response = _request(verify_client(Client(), force.user(role, borough)), case, force)
            if response.status_code != expected:
                failures.append(f"{role}@{borough}: expected {expected}, got {response.status_code}")
    assert not failures, f"{case.label()}:\n  " + "\n  ".join(failures)
