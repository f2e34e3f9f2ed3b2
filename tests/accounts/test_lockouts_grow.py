"""Each lockout in a row lasts twice as long as the last, up to a day, and the policy's number of lockouts in
a row lasts until an administrator unlocks the account: someone who has the password can no longer guess the
six-digit code for ever at 5 codes every 15 minutes. A full sign-in (password and code) or an administrator's
unlock starts the count again. The sign-in page still says nothing about any lock; the audit trail does."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from custos.accounts import rules, services, views
from custos.accounts.models import User
from custos.core.models import AuditEvent
from custos.core.policy import Policy, current_policy

PASSWORD = "correct horse battery"  # tests/conftest.py's password for every persona

# The schedule with the default policy's numbers (policy/default.toml [security]).
POLICY = Policy(
    version="test",
    data={
        "security": {
            "login_lockout_minutes": 15,
            "login_lockout_max_minutes": 1440,
            "login_lockouts_until_administrator": 10,
        }
    },
)


@pytest.mark.parametrize(
    ("number", "minutes", "key"),
    [
        (1, 15, rules.FIRST),
        (2, 30, rules.FIRST),
        (3, 60, rules.FIRST),
        (4, 120, rules.FIRST),
        (5, 240, rules.FIRST),
        (6, 480, rules.FIRST),
        (7, 960, rules.FIRST),
        (8, 1440, rules.LONGEST),  # 1920 doubled, held to the longest
        (9, 1440, rules.LONGEST),
        (10, None, rules.UNTIL_ADMINISTRATOR),  # until an administrator unlocks it
        (11, None, rules.UNTIL_ADMINISTRATOR),
    ],
)
def test_each_lockout_in_a_row_doubles_up_to_a_day_then_needs_an_administrator(
    number: int, minutes: int | None, key: str
) -> None:
    lock = rules.lockout(number, policy=POLICY)
    assert (lock.minutes, lock.needs_administrator) == (minutes, minutes is None)
    assert lock.basis == POLICY.basis(key)
    assert lock.policy_version == "test"


def test_the_default_policy_bounds_the_codes_anyone_can_ever_guess() -> None:
    policy = current_policy()
    until_administrator = int(policy.get(rules.UNTIL_ADMINISTRATOR))
    assert rules.lockout(until_administrator, policy=policy).needs_administrator
    assert not rules.lockout(until_administrator - 1, policy=policy).needs_administrator
    guesses = until_administrator * int(policy.get("security.login_max_failures"))
    assert guesses / 1_000_000 < 0.0001  # under 0.01%, once, rather than 0.14% every day


# Through the sign-in pages and the services -------------------------------------------------------------


@pytest.fixture
def alice(make_user: Any) -> User:
    return make_user("alice", ["investigator"])


def _fail_until_locked(user: User) -> None:
    for _ in range(int(current_policy().get("security.login_max_failures"))):
        Client().post("/accounts/login/", {"username": user.username, "password": "a guess"})
    assert User.objects.get(pk=user.pk).is_locked()


def _lock_runs_out(user: User) -> None:
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - timedelta(seconds=1))


def _locked_minutes(user: User) -> float:
    locked_until = User.objects.get(pk=user.pk).locked_until
    assert locked_until is not None
    return (locked_until - timezone.now()).total_seconds() / 60


def _lock_times(user: User, times: int) -> None:
    """``times`` lockouts in a row, each run out: the first two through the sign-in page, the rest counted
    directly (each takes the policy's number of failed sign-ins, and the schedule itself is tested above)."""
    for _ in range(min(times, 2)):
        _fail_until_locked(user)
        _lock_runs_out(user)
    if times > 2:
        User.objects.filter(pk=user.pk).update(consecutive_lockouts=times)


def _sign_in_fully(user: User) -> Client:
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "app"})
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/accounts/two-factor/", {"code": code})["Location"] == "/"
    return client


@pytest.mark.parametrize("number", [1, 2, 3, 8])
def test_the_nth_lockout_in_a_row_lasts_as_the_policy_says(alice: User, number: int) -> None:
    _lock_times(alice, number - 1)
    _fail_until_locked(alice)

    expected = rules.lockout(number, policy=current_policy())
    assert expected.minutes is not None
    assert _locked_minutes(alice) == pytest.approx(expected.minutes, abs=1)
    assert User.objects.get(pk=alice.pk).consecutive_lockouts == number
    event = AuditEvent.objects.filter(action="custos.user.locked", object_id=str(alice.pk)).latest("pk")
    assert event.changes["minutes"] == expected.minutes
    assert event.changes["lockouts_in_a_row"] == number
    assert event.changes["basis"] == expected.basis
    assert str(expected.minutes) in event.purpose


def test_the_administrator_threshold_locks_until_an_administrator_unlocks(alice: User) -> None:
    threshold = int(current_policy().get(rules.UNTIL_ADMINISTRATOR))
    _lock_times(alice, threshold - 1)
    _fail_until_locked(alice)
    account = User.objects.get(pk=alice.pk)
    assert account.locked_for_administrator and account.consecutive_lockouts == threshold

    _lock_runs_out(alice)  # no length of time lifts it
    account = User.objects.get(pk=alice.pk)
    assert account.is_locked(now=timezone.now() + timedelta(days=365))
    event = AuditEvent.objects.filter(action="custos.user.locked", object_id=str(alice.pk)).latest("pk")
    assert event.changes["minutes"] is None
    assert event.changes["basis"] == current_policy().basis(rules.UNTIL_ADMINISTRATOR)
    assert "administrator" in event.purpose

    # The right password gets the answer a wrong one gets; the audit trail has the real reason.
    answer = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert answer.status_code == 200 and views.BAD_LOGIN in answer.content.decode()
    assert views.LOCKED not in answer.content.decode()
    refused = AuditEvent.objects.filter(action="custos.user.sign_in_refused", object_id=str(alice.pk))
    assert refused.latest("pk").purpose == services.ACCOUNT_LOCKED
    assert refused.latest("pk").changes["locked_until"] == services.UNTIL_AN_ADMINISTRATOR_UNLOCKS


def test_a_full_sign_in_starts_the_count_again(alice: User) -> None:
    _lock_times(alice, 3)
    _sign_in_fully(alice)
    assert User.objects.get(pk=alice.pk).consecutive_lockouts == 0

    _fail_until_locked(alice)
    assert _locked_minutes(alice) == pytest.approx(rules.lockout(1, policy=current_policy()).minutes, abs=1)


def test_the_password_alone_does_not_start_the_count_again(alice: User) -> None:
    TOTPDevice.objects.create(user=alice, name="app", confirmed=True)
    _lock_times(alice, 2)
    Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})  # then no code
    assert User.objects.get(pk=alice.pk).consecutive_lockouts == 2


def test_an_administrators_unlock_starts_the_count_again_and_is_audited(force: Any, client_for: Any) -> None:
    target = force.user("investigator")
    threshold = int(current_policy().get(rules.UNTIL_ADMINISTRATOR))
    _lock_times(target, threshold - 1)
    _fail_until_locked(target)

    client_for(force.user("administrator")).post(reverse("accounts:user_unlock", args=[target.pk]))

    account = User.objects.get(pk=target.pk)
    assert not account.is_locked() and account.consecutive_lockouts == 0
    unlocked = AuditEvent.objects.get(action="custos.user.unlocked", object_id=str(target.pk))
    assert unlocked.changes["lockouts_in_a_row"] == [threshold, 0]
    _fail_until_locked(target)
    assert _locked_minutes(target) == pytest.approx(rules.lockout(1, policy=current_policy()).minutes, abs=1)


def test_the_account_page_shows_the_lockout_and_the_count(force: Any, client_for: Any) -> None:
    target = force.user("investigator")
    admin = client_for(force.user("administrator"))
    _lock_times(target, 2)
    _fail_until_locked(target)
    page = admin.get(reverse("accounts:user", args=[target.pk])).content.decode()
    assert "Locked" in page and "Lockouts in a row" in page
    assert 'data-testid="lockouts-in-a-row">3<' in page
    assert "Unlock account" in page

    threshold = int(current_policy().get(rules.UNTIL_ADMINISTRATOR))
    _lock_runs_out(target)
    _lock_times(target, threshold - 1)
    _fail_until_locked(target)
    page = admin.get(reverse("accounts:user", args=[target.pk])).content.decode()
    assert "until an administrator unlocks it" in page
    users = admin.get(reverse("accounts:users") + "?state=locked").content.decode()
    assert target.username in users
    panels = {p.title: p for p in admin.get("/").context["panels"]}
    assert [i.url for i in panels["Locked accounts"].items] == [reverse("accounts:user", args=[target.pk])]


def test_the_administrator_threshold_is_read_from_the_policy(alice: User, policy_file: Any) -> None:
    policy_file(login_lockouts_until_administrator=2)
    _lock_times(alice, 1)
    _fail_until_locked(alice)
    assert User.objects.get(pk=alice.pk).locked_for_administrator


def test_an_administrator_can_start_the_count_again_between_lockouts(force: Any, client_for: Any) -> None:
    target = force.user("investigator")
    admin = client_for(force.user("administrator"))
    _lock_times(target, 2)  # not locked now, but the next lockout would be the third
    assert "Start the count again" in admin.get(reverse("accounts:user", args=[target.pk])).content.decode()

    admin.post(reverse("accounts:user_unlock", args=[target.pk]))

    assert User.objects.get(pk=target.pk).consecutive_lockouts == 0
    assert AuditEvent.objects.filter(action="custos.user.unlocked", object_id=str(target.pk)).exists()
