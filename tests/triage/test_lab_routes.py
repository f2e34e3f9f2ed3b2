"""The triage lab routes through the permission matrix and the read-audit proof.

tests/core collects `tests/<app>/routes.py` only from packages; tests/triage is not one (the scanner tests
import their helpers by module name), so these cases are also run here with the core matrix's own request
logic, and every triage page and API operation must be declared.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.conftest import ALL_ROLES, verify_client
from tests.core.routes_collect import api_operations, case_url, page_url_names
from tests.core.test_permission_matrix import _request
from tests.routecases import RouteCase
from tests.triage.routes import ROUTES

from custos.core.models import AuditEvent


def test_every_triage_route_is_declared() -> None:
    pages = {n for n in page_url_names() if n.startswith("triage:")}
    ops = {name for name, (_, path) in api_operations().items() if path.startswith("/api/v1/triage/")}
    declared = {c.name.split(":", 1)[1] if c.is_api else c.name for c in ROUTES}
    assert pages - declared == set()
    assert ops - declared == set()


@pytest.mark.parametrize("case", ROUTES, ids=[c.label() for c in ROUTES])
def test_triage_route_anonymous(case: RouteCase, force: Any) -> None:
    expected = case.anonymous if case.anonymous is not None else (401 if case.is_api else 302)
    assert _request(Client(), case, force).status_code == expected


@pytest.mark.parametrize("case", ROUTES, ids=[c.label() for c in ROUTES])
def test_triage_route_roles(case: RouteCase, force: Any) -> None:
    failures = []
    for role in ALL_ROLES:
        own = case.expect.get(role, case.default)
        exempt = role in getattr(case, "outsider_exempt", ())
        for borough, expected in (
            ("A", own),
            ("B", own if case.outsider is None or exempt else case.outsider),
        ):
            response = _request(verify_client(Client(), force.user(role, borough)), case, force)
            if response.status_code != expected:
                failures.append(f"{role}@{borough}: expected {expected}, got {response.status_code}")
    assert not failures, f"{case.label()}:\n  " + "\n  ".join(failures)


SENSITIVE = [c for c in ROUTES if c.sensitive]


@pytest.mark.parametrize("case", SENSITIVE, ids=[c.label() for c in SENSITIVE])
def test_triage_sensitive_read_is_audited(case: RouteCase, force: Any) -> None:
    role = next(r for r in ALL_ROLES if case.expect.get(r, case.default) == 200)
    user = force.user(role, "A")
    url = case_url(case, case.kwargs(force))
    before = AuditEvent.objects.filter(actor=user, sensitive=True).count()
    assert verify_client(Client(), user).get(url).status_code == 200
    assert AuditEvent.objects.filter(actor=user, sensitive=True).count() > before
