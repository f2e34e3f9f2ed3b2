"""After sign-in (password, then the code) the officer goes back to the page they asked for, only when it is
a page of this site: a link to the sign-in page with another site as `next` cannot send them there."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from custos.accounts.models import User
from tests.redirects import OFF_SITE

PASSWORD = "correct horse battery"  # tests/conftest.py's password for every persona


@pytest.fixture
def alice(make_user: Any) -> User:
    user: User = make_user("alice", ["investigator"])
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def _signed_in_at(alice: User, next_page: str) -> str:
    """Where the browser goes once both factors are right, after signing in from `?next=next_page`."""
    client = Client()
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD, "next": next_page})
    device = TOTPDevice.objects.get(user=alice)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post("/accounts/two-factor/", {"code": code})
    assert response.status_code == 302
    return str(response["Location"])


@pytest.mark.parametrize("target", OFF_SITE)
def test_an_off_site_next_goes_to_the_home_page_instead(alice: User, target: str) -> None:
    assert _signed_in_at(alice, target) == "/"


def test_a_page_of_this_site_is_where_sign_in_goes_back_to(alice: User) -> None:
    assert _signed_in_at(alice, "/accounts/tokens/?page=2") == "/accounts/tokens/?page=2"
