"""A refused sign-in looks the same whatever the reason, so the form never tells anyone which usernames exist
or which accounts are locked; the audit trail keeps the real reason for professional standards."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from custos.accounts import views
from custos.accounts.models import User
from custos.core.models import AuditEvent

PASSWORD = "correct horse battery"  # tests/conftest.py's password for every persona


@pytest.fixture
def alice(make_user: Any) -> User:
    return make_user("alice", ["investigator"])


def _sign_in(username: str, password: str) -> Any:
    return Client().post("/accounts/login/?next=/workforce/", {"username": username, "password": password})


def _as_seen(response: Any, username: str) -> str:
    """The page as the person signing in sees it, less what differs on every request (CSRF tokens) and the
    username they typed (echoed back in the form)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'name="csrf-token" content="[^"]*"', "", html)
    return html.replace(f'value="{username}"', "")


def _lock(user: User) -> None:
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timedelta(minutes=10))


def test_unknown_user_wrong_password_and_locked_account_get_the_same_answer(alice: User) -> None:
    unknown = _sign_in("mallory", PASSWORD)
    wrong = _sign_in("alice", "not the password")
    _lock(alice)
    locked_right_password = _sign_in("alice", PASSWORD)
    locked_wrong_password = _sign_in("alice", "not the password")

    answers = [unknown, wrong, locked_right_password, locked_wrong_password]
    assert {r.status_code for r in answers} == {200}
    assert views.BAD_LOGIN in unknown.content.decode()
    pages = {_as_seen(unknown, "mallory"), *(_as_seen(r, "alice") for r in answers[1:])}
    assert len(pages) == 1


def test_a_refused_sign_in_is_audited_with_its_real_reason(alice: User) -> None:
    _sign_in("mallory", PASSWORD)
    _sign_in("alice", "not the password")
    _lock(alice)
    _sign_in("alice", PASSWORD)

    refused = AuditEvent.objects.filter(action__startswith="custos.user.sign_in").order_by("pk")
    assert [(e.object_id, e.purpose) for e in refused] == [
        ("", "unknown username"),
        (str(alice.pk), "wrong password"),
        (str(alice.pk), "account locked"),
    ]
    # Never what was typed: not the password, and not an unknown username (often a password typed early).
    assert not any("mallory" in str(v) or PASSWORD in str(v) for e in refused for v in vars(e).values())


def test_a_locked_account_is_not_unlocked_by_the_right_password(alice: User) -> None:
    _lock(alice)
    response = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200 and views.BAD_LOGIN in response.content.decode()
    assert User.objects.get(pk=alice.pk).is_locked()
