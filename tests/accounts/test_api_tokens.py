"""API tokens: hashed at rest, scoped, expiring, revocable; the API refuses anything else with 401."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from custos.accounts import services
from custos.accounts.models import ApiToken


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_list_routes_need_credentials(force: Any) -> None:
    response = Client().get("/api/v1/workforce/people")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_a_token_opens_the_api_and_is_stored_only_as_a_hash(force: Any) -> None:
    user = force.user("investigator")
    issued = services.token_create(user=user)
    assert issued.raw not in {t.token_hash for t in ApiToken.objects.all()}
    response = Client().get("/api/v1/workforce/people", **bearer(issued.raw))
    assert response.status_code == 200
    assert response.json()["count"] >= 1


def test_a_read_token_cannot_write(force: Any) -> None:
    admin = force.user("administrator")
    issued = services.token_create(user=admin, scope="read")
    person = force.people["offender-manager@A"]
    response = Client().patch(
        f"/api/v1/workforce/people/{person.pk}",
        data=json.dumps({"job_role": "x"}),
        content_type="application/json",
        **bearer(issued.raw),
    )
    assert response.status_code == 403


@pytest.mark.parametrize("state", ["expired", "revoked", "garbage"])
def test_expired_revoked_and_unknown_tokens_are_refused(force: Any, state: str) -> None:
    user = force.user("investigator")
    issued = services.token_create(user=user)
    raw = issued.raw
    if state == "expired":
        ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "revoked":
        services.token_revoke(token=issued.token, actor=user)
    else:
        raw = "cst_" + "x" * 43
    assert Client().get("/api/v1/workforce/people", **bearer(raw)).status_code == 401


def test_token_lifetimes_are_bounded_by_policy(force: Any) -> None:
    with pytest.raises(ValidationError):
        services.token_create(user=force.user("investigator"), days=366)
    with pytest.raises(ValidationError):
        services.token_create(user=force.user("investigator"), days=0)


def test_someone_elses_token_cannot_be_revoked_through_the_ui(force: Any, client_for: Any) -> None:
    other = services.token_create(user=force.user("administrator"))
    c = client_for(force.user("investigator"))
    assert c.post(f"/accounts/tokens/{other.token.pk}/revoke/").status_code == 404
    other.token.refresh_from_db()
    assert other.token.revoked_at is None


def test_the_browser_session_needs_csrf_for_writes(force: Any) -> None:
    from tests.conftest import verify_client

    c = verify_client(Client(enforce_csrf_checks=True), force.user("administrator"))
    person = force.people["offender-manager@A"]
    response = c.patch(
        f"/api/v1/workforce/people/{person.pk}",
        data=json.dumps({"version": person.version}),
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
