"""Password, then a mandatory TOTP code, for every account: enrolment, recovery codes, lockout."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from custos.accounts import views
from custos.accounts.models import User

PASSWORD = "correct horse battery"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def alice(make_user: Any) -> User:
    return make_user("alice", ["investigator"])


def sign_in(client: Client, username: str = "alice", password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_password_alone_reaches_only_the_second_factor(alice: User) -> None:
    c = Client()
    assert sign_in(c)["Location"] == "/accounts/two-factor/"
    for url in ("/", "/workforce/", "/audit/"):
        response = c.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    api = c.get("/api/v1/workforce/people")
    assert api.status_code == 401 and api["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/accounts/tokens/"),
        ("post", "/accounts/tokens/"),  # a write-scoped API token would be the API without a second factor
        ("get", "/accounts/password/"),
        ("get", "/accounts/users/"),
    ],
)
def test_a_password_alone_cannot_reach_the_account_pages(alice: User, method: str, url: str) -> None:
    c = Client()
    sign_in(c)
    response = getattr(c, method)(url, {"name": "script", "scope": "write", "days": 30})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    assert not alice.api_tokens.exists()


def test_first_sign_in_enrols_with_a_qr_code_and_issues_recovery_codes(alice: User) -> None:
    c = Client()
    sign_in(c)
    assert c.get("/accounts/two-factor/")["Location"] == "/accounts/two-factor/setup/"
    page = c.get("/accounts/two-factor/setup/")
    assert b"<svg" in page.content and b"totp-secret" in page.content
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    wrong = c.post(
        "/accounts/two-factor/setup/", {"code": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert views.BAD_CODE.encode() in wrong.content
    # django-otp throttles a device for 1 s after a failure (2^(n-1) s after n failures): wait it out.
    time.sleep(1.2)
    response = c.post("/accounts/two-factor/setup/", {"code": code_for(device)})
    assert response["Location"] == "/accounts/two-factor/recovery-codes/"
    codes = re.findall(rb"<code>(\d{8})</code>", c.get("/accounts/two-factor/recovery-codes/").content)
    assert len(codes) == 10
    assert c.get("/").status_code == 200
    # The codes are shown once only.
    assert not re.findall(rb"<code>(\d{8})</code>", c.get("/accounts/two-factor/recovery-codes/").content)


def test_a_totp_code_completes_sign_in(alice: User) -> None:
    device = TOTPDevice.objects.create(user=alice, name="app", confirmed=True)
    c = Client()
    sign_in(c)
    response = c.post("/accounts/two-factor/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert c.get("/").status_code == 200


def test_a_recovery_code_works_once(alice: User) -> None:
    from custos.accounts.services import recovery_codes_regenerate

    TOTPDevice.objects.create(user=alice, name="app", confirmed=True)
    code = recovery_codes_regenerate(user=alice)[0]
    c = Client()
    sign_in(c)
    assert c.post("/accounts/two-factor/", {"code": code})["Location"] == "/"
    c2 = Client()
    sign_in(c2)
    again = c2.post("/accounts/two-factor/", {"code": code})
    assert again.status_code == 200 and views.BAD_CODE.encode() in again.content


def test_repeated_failures_lock_the_account(alice: User) -> None:
    c = Client()
    for _ in range(5):
        response = sign_in(c, password="wrong password")
        assert views.BAD_LOGIN.encode() in response.content
    alice.refresh_from_db()
    assert alice.is_locked()
    # Even the right password is refused while locked, with the answer a wrong password gets.
    locked = sign_in(c)
    assert locked.status_code == 200 and views.BAD_LOGIN.encode() in locked.content
    assert views.LOCKED.encode() not in locked.content


def test_wrong_codes_count_towards_the_lockout(alice: User) -> None:
    device = TOTPDevice.objects.create(user=alice, name="app", confirmed=True)
    good = code_for(device)
    bad = "000000" if good != "000000" else "111111"
    c = Client()
    sign_in(c)
    for _ in range(5):
        c.post("/accounts/two-factor/", {"code": bad})
    alice.refresh_from_db()
    assert alice.is_locked()
    assert c.post("/accounts/two-factor/", {"code": good})["Location"] == "/accounts/login/"


def test_a_successful_sign_in_resets_the_failure_count(alice: User) -> None:
    device = TOTPDevice.objects.create(user=alice, name="app", confirmed=True)
    c = Client()
    sign_in(c, password="nope")
    sign_in(c)
    c.post("/accounts/two-factor/", {"code": code_for(device)})
    alice.refresh_from_db()
    assert alice.failed_login_count == 0


def test_next_is_followed_only_on_this_site(alice: User) -> None:
    device = TOTPDevice.objects.create(user=alice, name="app", confirmed=True)
    c = Client()
    c.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert c.post("/accounts/two-factor/", {"code": code_for(device)})["Location"] == "/"


def test_the_second_factor_starts_a_new_session_so_a_password_only_session_id_is_worth_nothing(
    alice: User,
) -> None:
    device = TOTPDevice.objects.create(user=alice, name="app", confirmed=True)
    c = Client()
    sign_in(c)
    password_only = c.cookies["sessionid"].value

    c.post("/accounts/two-factor/", {"code": code_for(device)})

    assert c.cookies["sessionid"].value != password_only
    stolen = Client()
    stolen.cookies["sessionid"] = password_only
    assert stolen.get("/").status_code == 302  # the old id is not a verified session


def test_enrolling_the_second_factor_starts_a_new_session(alice: User) -> None:
    c = Client()
    sign_in(c)
    c.get("/accounts/two-factor/setup/")
    password_only = c.cookies["sessionid"].value
    device = TOTPDevice.objects.get(user=alice, confirmed=False)

    response = c.post("/accounts/two-factor/setup/", {"code": code_for(device)})

    assert response["Location"] == "/accounts/two-factor/recovery-codes/"
    assert c.cookies["sessionid"].value != password_only
    codes_page = c.get("/accounts/two-factor/recovery-codes/").content
    assert len(re.findall(rb"<code>(\d{8})</code>", codes_page)) == 10
