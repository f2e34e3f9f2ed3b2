"""Guessing a password or a security code is bounded by the lockout at every step that checks one: sign-in,
the second factor (6 digits: a million codes), enrolling an authenticator, and guesses sent at the same moment
in parallel requests, which must each use up an attempt rather than share one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from custos.accounts import views
from custos.accounts.models import User

PASSWORD = "correct horse battery"  # tests/conftest.py's password for every persona
MAX_FAILURES = 5  # security.login_max_failures in policy/default.toml


@pytest.fixture
def alice(make_user: Any) -> User:
    return make_user("alice", ["investigator"])


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return "000000" if code_for(device) != "000000" else "111111"


def signed_in_with_password(username: str = "alice") -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return client


def test_a_locked_account_cannot_finish_enrolling_an_authenticator(alice: User) -> None:
    client = signed_in_with_password()
    client.get("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    for _ in range(MAX_FAILURES):
        client.post("/accounts/two-factor/setup/", {"code": wrong_code(device)})
    assert User.objects.get(pk=alice.pk).is_locked()

    response = client.post("/accounts/two-factor/setup/", {"code": code_for(device)})

    assert response["Location"] == "/accounts/login/"
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    assert client.get("/").status_code == 302  # not signed in


def test_codes_sent_at_the_same_moment_each_use_up_an_attempt(alice: User, monkeypatch: Any) -> None:
    device = TOTPDevice.objects.create(user=alice, name="app", confirmed=True)
    guessers = [signed_in_with_password() for _ in range(MAX_FAILURES + 3)]
    checked: list[str] = []
    match_token = views.match_token

    def slow_match(user: Any, code: str) -> Any:
        # While one guess is being checked, the next request arrives (a parallel burst).
        checked.append(code)
        if len(checked) < len(guessers):
            guessers[len(checked)].post("/accounts/two-factor/", {"code": wrong_code(device)})
        return match_token(user, code)

    monkeypatch.setattr(views, "match_token", slow_match)
    guessers[0].post("/accounts/two-factor/", {"code": wrong_code(device)})

    assert len(checked) == MAX_FAILURES
    assert User.objects.get(pk=alice.pk).is_locked()


def test_passwords_sent_at_the_same_moment_each_use_up_an_attempt(alice: User, monkeypatch: Any) -> None:
    checked: list[str] = []
    authenticate = views.authenticate

    def slow_authenticate(request: Any, **credentials: Any) -> Any:
        checked.append(credentials["username"])
        if len(checked) < MAX_FAILURES + 3:
            Client().post("/accounts/login/", {"username": "alice", "password": "a guess"})
        return authenticate(request, **credentials)

    monkeypatch.setattr(views, "authenticate", slow_authenticate)
    Client().post("/accounts/login/", {"username": "alice", "password": "a guess"})

    assert User.objects.get(pk=alice.pk).is_locked()
    # Every request hashed a password (the answer takes as long either way), but only the attempts the
    # lockout allows were checked against alice's: the others were refused as locked, and audited so.
    from custos.core.models import AuditEvent

    failed = AuditEvent.objects.filter(action="custos.user.sign_in_failed", object_id=str(alice.pk))
    assert failed.count() == MAX_FAILURES
