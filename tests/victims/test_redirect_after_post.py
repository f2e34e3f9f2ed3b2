"""Recording an obligation goes back to the page it was posted from only when that is a page of this site:
a "next" that a browser would follow to another host falls back to the victim's page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.redirects import OFF_SITE
from tests.victims.routes import _fresh_obligation


@pytest.mark.parametrize("target", OFF_SITE)
def test_an_obligation_recorded_never_goes_back_to_another_site(
    force: Any, client_for: Any, target: str
) -> None:
    ob = _fresh_obligation(force)
    client = client_for(force.user("investigator", "A"))

    response = client.post(
        f"/victims/obligations/{ob.pk}/", {"status": "met", "evidence": "Phoned", "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/victims/{ob.link.victim_id}/"
    ob.refresh_from_db()
    assert ob.status == "met"


def test_an_obligation_recorded_goes_back_to_the_worklist_it_came_from(force: Any, client_for: Any) -> None:
    ob = _fresh_obligation(force)
    client = client_for(force.user("investigator", "A"))

    response = client.post(
        f"/victims/obligations/{ob.pk}/",
        {"status": "met", "evidence": "Phoned", "next": "/victims/worklist/?status=overdue"},
    )

    assert response["Location"] == "/victims/worklist/?status=overdue"
