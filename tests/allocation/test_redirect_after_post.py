"""Withdrawing a conflict of interest goes back to the page it was posted from only when that is a page of
this site: a "next" that a browser would follow to another host falls back to the conflicts page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.allocation.routes import _conflict
from tests.redirects import OFF_SITE


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_conflict_withdrawn_never_goes_back_to_another_site(
    force: Any, client_for: Any, target: str
) -> None:
    conflict = _conflict(force)
    client = client_for(force.user("investigation-supervisor", "A"))

    response = client.post(
        f"/allocation/conflicts/{conflict.pk}/withdraw/", {"reason": "Moved away", "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == "/allocation/conflicts/"
    conflict.refresh_from_db()
    assert conflict.withdrawn_at is not None


def test_a_conflict_withdrawn_goes_back_to_the_officer_page_it_came_from(force: Any, client_for: Any) -> None:
    conflict = _conflict(force)
    client = client_for(force.user("investigation-supervisor", "A"))
    page = f"/allocation/workload/{conflict.officer_id}/"

    response = client.post(
        f"/allocation/conflicts/{conflict.pk}/withdraw/", {"reason": "Moved away", "next": page}
    )

    assert response["Location"] == page
