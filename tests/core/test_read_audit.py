"""Every read of a sensitive record, through any route, writes an access event in the same request.

Sensitive routes are the RouteCases declared `sensitive=True` (offenders, victims, crimes with their suspects,
devices and triage results, staff records, the audit trail and break-glass grants, intelligence). The matrix
test guarantees every route is declared; this test proves the audit for each sensitive one, for the first role
that is allowed to read it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from custos.core.models import AuditEvent
from tests.conftest import ALL_ROLES, verify_client
from tests.core.routes_collect import all_route_cases, case_url
from tests.routecases import RouteCase

SENSITIVE = [c for c in all_route_cases() if c.sensitive]


def test_sensitive_routes_are_reads() -> None:
    for case in SENSITIVE:
        assert case.method == "get", (
            f"{case.label()}: only reads are declared sensitive (writes are always audited)"
        )


@pytest.mark.parametrize("case", SENSITIVE, ids=[c.label() for c in SENSITIVE])
def test_sensitive_read_writes_an_access_event(case: RouteCase, force: Any) -> None:
    role = next(r for r in ALL_ROLES if case.expect.get(r, case.default) == 200)
    user = force.user(role, "A")
    url = case_url(case, case.kwargs(force))
    client = verify_client(Client(), user)
    before = AuditEvent.objects.filter(actor=user, sensitive=True).count()
    response = client.get(url)
    assert response.status_code == 200
    events = AuditEvent.objects.filter(actor=user, sensitive=True).order_by("id")
    assert events.count() > before, f"{case.label()} as {role}: no access event written"
    event = events.last()
    assert event is not None and event.action.startswith("custos.") and event.ip


def test_break_glass_read_is_flagged(force: Any) -> None:
    """Break-glass access to an outsider's record is audited as such and then allowed."""
    from custos.core.access import break_glass_grant

    user = force.user("investigator", "B")
    target = force.people["offender-manager@A"]
    client = verify_client(Client(), user)
    assert client.get(f"/workforce/people/{target.pk}/").status_code == 404
    break_glass_grant(
        user=user,
        object_type="workforce.person",
        object_id=target.pk,
        reason="Urgent safeguarding enquiry out of hours",
    )
    assert client.get(f"/workforce/people/{target.pk}/").status_code == 200
    flagged = AuditEvent.objects.filter(actor=user, break_glass=True)
    assert {e.action for e in flagged} >= {"custos.break_glass.granted", "custos.person.viewed"}
