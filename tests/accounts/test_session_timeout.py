"""A session ends after 30 minutes without use (CUSTOS_SESSION_IDLE_SECONDS) and 8 hours after sign-in however
busy (CUSTOS_SESSION_SECONDS). The officer is sent to sign in with the reason and comes back to the page they
were on; an htmx request is told to redirect the whole page rather than given a sign-in page as a fragment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from custos.accounts import middleware

PASSWORD = "correct horse battery"  # tests/conftest.py's password for every persona


@pytest.fixture
def later(monkeypatch: Any) -> Callable[[timedelta], None]:
    """Move Custos's clock on."""
    offset = timedelta()
    real_now = timezone.now

    def now() -> datetime:
        return real_now() + offset

    monkeypatch.setattr(timezone, "now", now)

    def advance(by: timedelta) -> None:
        nonlocal offset
        offset += by

    return advance


def _told(client: Client, response: Any) -> list[str]:
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


def test_a_session_unused_for_half_an_hour_is_sent_to_sign_in_with_the_reason(
    force: Any, client_for: Any, later: Callable[[timedelta], None]
) -> None:
    client = client_for(force.user("investigator"))
    assert client.get("/").status_code == 200

    later(timedelta(minutes=31))
    response = client.get("/workforce/?q=smith")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/workforce/%3Fq%3Dsmith"
    assert _told(client, response) == [middleware.SIGNED_OUT_IDLE.format(minutes=30)]
    assert client.get("/")["Location"].startswith("/accounts/login/")  # signed out, not just redirected


def test_using_custos_keeps_the_session_open(
    force: Any, client_for: Any, later: Callable[[timedelta], None]
) -> None:
    client = client_for(force.user("investigator"))
    for _ in range(4):
        later(timedelta(minutes=20))
        assert client.get("/").status_code == 200


def test_a_busy_session_still_ends_eight_hours_after_sign_in(
    force: Any, client_for: Any, later: Callable[[timedelta], None]
) -> None:
    client = client_for(force.user("investigator"))
    client.get("/")
    for _ in range(7 * 3 + 2):  # every 20 minutes for 7 h 40 min
        later(timedelta(minutes=20))
        assert client.get("/").status_code == 200
    later(timedelta(minutes=21))

    response = client.get("/")

    assert response["Location"] == "/accounts/login/?next=/"
    assert _told(client, response) == [middleware.SIGNED_OUT_AFTER.format(hours=8)]


def test_the_officer_signs_in_again_and_comes_back_to_the_page_they_were_on(
    force: Any, client_for: Any, later: Callable[[timedelta], None]
) -> None:
    user = force.user("investigator")
    client = client_for(user)
    client.get("/")
    later(timedelta(minutes=45))
    to_sign_in = client.get("/workforce/")["Location"]

    client.post(to_sign_in, {"username": user.username, "password": PASSWORD, "next": "/workforce/"})
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post("/accounts/two-factor/", {"code": code})

    assert response["Location"] == "/workforce/"
    assert client.get("/workforce/").status_code == 200


def test_an_htmx_request_after_the_timeout_redirects_the_whole_page(
    force: Any, client_for: Any, later: Callable[[timedelta], None]
) -> None:
    client = client_for(force.user("investigator"))
    client.get("/")
    later(timedelta(minutes=31))

    response = client.get(
        "/workforce/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/offenders/?page=2"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/offenders/%3Fpage%3D2"
    assert response.content == b""  # nothing for htmx to swap into the fragment
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_an_htmx_request_from_another_site_s_page_is_not_sent_back_there(
    force: Any, client_for: Any, later: Callable[[timedelta], None]
) -> None:
    client = client_for(force.user("investigator"))
    client.get("/")
    later(timedelta(minutes=31))
    response = client.get(
        "/workforce/", headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/"}
    )
    assert response["HX-Redirect"] == "/accounts/login/"


def test_the_api_answers_an_expired_browser_session_with_401(
    force: Any, client_for: Any, later: Callable[[timedelta], None]
) -> None:
    client = client_for(force.user("investigator"))
    assert client.get("/api/v1/workforce/people").status_code == 200
    later(timedelta(minutes=31))
    response = client.get("/api/v1/workforce/people")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
