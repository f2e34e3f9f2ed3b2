"""A wrong current password on the change-password page counts toward the lockout, as at sign-in: a session
someone else has got hold of cannot be used to guess the password."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from custos.accounts import services, views
from custos.accounts.models import User
from custos.core.models import AuditEvent

PASSWORD = "correct horse battery"  # tests/conftest.py's password for every persona
NEW_PASSWORD = "a different long passphrase 42"


def _change(client: Any, current: str) -> Any:
    return client.post(
        reverse("accounts:password_change"),
        {"current": current, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )


def test_wrong_current_passwords_lock_the_account_and_end_the_guessing_session(
    force: Any, client_for: Any
) -> None:
    user = force.user("victim-care-officer")
    hijacked = client_for(user)
    for _ in range(4):
        wrong = _change(hijacked, "a guess")
        assert wrong.context["form"].errors["current"] == [services.WRONG_PASSWORD]
    assert not User.objects.get(pk=user.pk).is_locked()

    fifth = _change(hijacked, "another guess")

    assert User.objects.get(pk=user.pk).is_locked()
    assert fifth.status_code == 302 and fifth["Location"].startswith("/accounts/login/")
    # The session is over: even the right password changes nothing now.
    assert _change(hijacked, PASSWORD)["Location"].startswith("/accounts/login/")
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    failures = AuditEvent.objects.filter(action="custos.user.password_change_failed", object_id=str(user.pk))
    assert failures.count() == 5
    assert {e.actor_id for e in failures} == {user.pk}
    assert AuditEvent.objects.filter(action="custos.user.locked", object_id=str(user.pk)).exists()


def test_a_locked_account_cannot_change_its_password_from_another_session(
    force: Any, client_for: Any
) -> None:
    user = force.user("victim-care-officer")
    other_session = client_for(user)
    guessing = client_for(user)
    for _ in range(5):
        _change(guessing, "a guess")

    refused = _change(other_session, PASSWORD)

    assert refused["Location"].startswith("/accounts/login/")
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    told = [str(m) for m in other_session.get(refused["Location"]).context["messages"]]
    assert told == [views.LOCKED]
